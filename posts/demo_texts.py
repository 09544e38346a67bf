"""The demo's posts besides the seed: a term of a Soviet history course, read through primary sources.

Data, not interface text: never translated. The quotations are our own
paraphrases written for the demo (each post says so), not copies of the
documents; only a few short, well-known slogans appear as they are known.

`weeks_ago` places a post in the course's weeks (0 is this week); `image` names
a scene of posts.demo_images with what a reader is told about it.
"""

from dataclasses import dataclass

# The bodies are Markdown prose, one paragraph a line, as a writer types them.
# ruff: noqa: E501


@dataclass(frozen=True)
class DemoImage:
    scene: str
    alt: str
    caption: str
    credit: str


@dataclass(frozen=True)
class DemoPost:
    author: str
    title: str
    category: str
    tags: str
    weeks_ago: int
    body: str
    image: DemoImage | None = None


# The titles other demo modules (and their tests) look posts up by.
THAW_TITLE = "The Thaw in Print: Novy Mir and Its Readers"
VIRGIN_LANDS_TITLE = "Virgin Lands: Khrushchev's Great Gamble"
SPUTNIK_TITLE = "Sputnik and the Space Race at Home"
HOUSING_TITLE = "A Flat of One's Own: Reading a Khrushchevka Floor Plan"
SECRET_SPEECH_TITLE = "The Secret Speech at a Factory Party Meeting"
SAMIZDAT_TITLE = "Five Carbon Copies: A Samizdat Poem"
GULAG_MEMOIR_TITLE = "Memory Against the Record: A Gulag Memoir"

POSTS = [
    DemoPost(
        author="jslattery",
        title="Who Is He Pointing At? A Civil War Recruiting Poster",
        category="Culture",
        tags="propaganda, posters, civil war",
        weeks_ago=7,
        image=DemoImage(
            scene="poster-volunteer",
            alt=(
                "A worn poster pinned to a wooden wall: a soldier in a peaked cap with a star points "
                "straight out at the viewer above a row of factory chimneys; the sheet is creased in four."
            ),
            caption="A Red Army recruiting poster of 1920, photographed as it hangs in a reading room",
            credit="Drawn for the coursesite demo",
        ),
        body="""{image}

The first thing I noticed about this poster is that I could not get away from it. Wherever I stood in front of my laptop, the soldier's finger was aimed at me. That, I think, is the whole point.

## The source

Our poster is from 1920, the last hard year of the Civil War. A soldier in the pointed cloth cap (the *budenovka*) with a red star fills most of the sheet. Behind him are factory chimneys, and across the top runs a slogan. My rough paraphrase of it:

> You! Yes, you, standing there: have you signed up for the Red Army yet? The factories are waiting on your courage.

*(My paraphrase of the slogan, not a translation.)*

## What it asks of the viewer

Freeze says the Bolsheviks had to win over a population that was mostly peasant and mostly tired of war[^1]. So who is "you" here? The chimneys say it is a worker, not a peasant. There is no village, no field, no church in the picture. The poster seems to be speaking to the people the party already thought of as its own, and asking them to go and fight in the countryside.

I also noticed what is *missing*: there is no enemy drawn at all. No general, no foreign soldier. The only other person in the picture is the viewer. That makes the question personal instead of political: not "the revolution is in danger" but "what are **you** doing?"

## The British cousin

My roommate recognised the pose immediately from the British Lord Kitchener poster of 1914. Posters borrowed from each other across the front lines, which is a little funny given that the Bolsheviks said they were making a completely new kind of art. Maybe the pointing finger works in any language.

## Questions I still have

- How many people actually saw a poster like this? Were they printed in the hundreds or the tens of thousands?
- Did anyone in 1920 find it as pushy as I do?

[^1]: Gregory Freeze, ed., *Russia: A History*, 3rd ed. (Oxford, 2009), chapter 9.

**Links**

- [Seventeen Moments in Soviet History: 1921](https://soviethistory.msu.edu/)
""",
    ),
    DemoPost(
        author="rkw15",
        title="The Plan in Four Years: Arithmetic as Propaganda",
        category="Economy",
        tags="five-year plan, posters, industrialisation",
        weeks_ago=6,
        image=DemoImage(
            scene="poster-plan",
            alt=(
                "A poster on a wall: a huge black gear wheel with factory chimneys rising inside it, "
                "and a diagonal band of slogan letters across the bottom."
            ),
            caption="A poster for the First Five-Year Plan, about 1930",
            credit="Drawn for the coursesite demo",
        ),
        body="""{image}

## 1. The claim

The slogan of the First Five-Year Plan (1928-1932) is famous because it is impossible: the plan was to be fulfilled **"in four years"**. One well-known poster simply shows the sum *2 + 2 = 5*, with the second "2" standing for the enthusiasm of the workers. The poster I chose for this week makes the same argument with a picture instead of numbers: a gear wheel so big that it holds a whole city of chimneys inside it.

## 2. The text

The band across the bottom reads, roughly:

> Every turn of the wheel brings the day nearer when our country stands level with the most advanced nations. The plan is not a forecast: it is an order to the future.

*(My own summary of the slogan.)*

## 3. Three things the poster wants us to believe

1. **Scale is progress.** There are no people in the picture at all. The gear is the hero.
2. **The future is already decided.** "An order to the future" is my favourite phrase: the plan does not predict, it commands.
3. **Speed is virtue.** If four years is good, three would be better. Nothing in the poster asks what the hurry costs.

## 4. What it leaves out

Freeze's chapter gives the numbers that the poster does not: real wages fell in these years, and the collectivisation that fed the workers' cities caused famine in Ukraine and Kazakhstan[^1]. When the poster says *everyone* is pulling together, the famine is the silence behind it.

## 5. A question for the class

Were posters like this aimed at workers, who knew how hard the factories were, or at the party members who had to report the numbers? I suspect the second. Production reports went *up*, and the poster was a promise that they would keep going up.

[^1]: Gregory Freeze, ed., *Russia: A History*, chapter 10; see also Sheila Fitzpatrick, *Everyday Stalinism* (Oxford, 1999), chapter 2.
""",
    ),
    DemoPost(
        author="dmorozov",
        title="A Letter from the Kolkhoz, 1933",
        category="Society",
        tags="collectivisation, letters, peasants",
        weeks_ago=6,
        body="""My grandmother's village is near Tambov, and she used to say that "in '33 even the dogs went quiet". So when Professor Nelson put a peasant's letter to a newspaper on the list, I picked it before anyone else could.

## The letter

The writer signs himself only as "a collective farmer of the Kirov kolkhoz". He writes to the editors of a regional paper, in careful, formal sentences, as if he had been told how letters to the authorities ought to sound. In my own words, the middle of it goes like this:

> We did everything the instructor from the district told us. We gave our horses to the common stable and our grain to the state. Now the stable is half empty because the horses died in the winter, and the grain we were promised for our labour days has not come. I do not complain against Soviet power. I ask only that someone come and see.

*(A paraphrase: the course reader gives the full translation.)*

## How to read a letter like this

Three things struck me.

**He does not complain.** He says so twice. Sheila Fitzpatrick calls this the language of the petitioner: people learned which words were safe, and used them to ask for help without sounding like enemies[^1].

**He counts in labour days.** The *trudoden'* was the kolkhoz unit of pay, and the letter is full of them: how many he earned, how few were paid. It is an accountant's letter, and the numbers carry the anger he leaves out of the words.

**He asks someone to come and see.** This is the saddest line to me. It assumes that if the authorities only knew, they would fix it. In 1933 they did know.

## Did it get printed?

The reader says the letter survived in the newspaper's archive, not in the newspaper. Letters like this were sorted, summarised and sent up to the party, which means the people who could have helped read it as a report on the mood of the countryside.

Пишите, как говорится, письма. (Write letters, as they say.) But who reads them?

[^1]: Sheila Fitzpatrick, *Stalin's Peasants: Resistance and Survival in the Russian Village after Collectivization* (Oxford, 1994), chapter 1.
""",
    ),
    DemoPost(
        author="cpurvis2",
        title="102 Tons in One Shift: Reading the Stakhanov Report",
        category="Economy",
        tags="Stakhanov, labour, records",
        weeks_ago=5,
        image=DemoImage(
            scene="factory",
            alt=(
                "A coal mine's headframe with its great wheel between smoking factory chimneys and "
                "saw-tooth roofs; a line of miners walks toward the camera, some with tools on their shoulders."
            ),
            caption="The pithead and a change of shift, Donbas, mid-1930s",
            credit="Drawn for the coursesite demo",
        ),
        body="""{image}

On the night of 30-31 August 1935, the miner Aleksei Stakhanov cut 102 tons of coal in one shift, about fourteen times the norm. Wow. By the next week his name was a *movement*.

## The report

Our source is the kind of report the mine's party organisation sent upward, and then the newspapers retold. Paraphrasing it:

> Comrade Stakhanov, using the method of dividing labour between the hewer and the timberers, overfulfilled the norm by 1,400 per cent. The collective of the mine pledges to spread this method to every seam.

*(My paraphrase of the report as our reader summarises it.)*

What I did not know before reading Freeze is that it was a **team** effort[^1]. Two timberers propped the roof behind him so he could just keep cutting. The report mentions the "method of dividing labour" but only one name made the papers.

## Why it matters

- It gave the regime a hero who was a worker, not a commissar.
- It gave managers an argument for raising the norms for everyone.
- It gave workers a way to earn a lot more money, and a reason for their neighbours to hate them. Some Stakhanovites were actually beaten up by their co-workers!

Stalin's famous line from that November, that life had become better and more joyous, makes more sense next to this report. The Stakhanovite had a new apartment, a gramophone, a suit. The propaganda was telling everyone else that they could have it too, if they worked like him.

[^1]: Gregory Freeze, ed., *Russia: A History*, chapter 10; Lewis Siegelbaum, *Stakhanovism and the Politics of Productivity in the USSR, 1935-1941* (Cambridge, 1988).
""",
    ),
    DemoPost(
        author="caitlin",
        title="Pravda, 1937: The Grammar of an Editorial About Enemies",
        category="Politics",
        tags="terror, press, 1937",
        weeks_ago=4,
        body="""I read this week's editorial three times, and each time it got more frightening, not because of what it says but because of how it says it.

## The text

The editorial appeared in the summer of 1937, in the middle of what historians now call the Great Terror. It names no one. It speaks of enemies who "wear the mask" of loyal Soviet people. The passage our class discussed, in my paraphrase:

> The enemy no longer comes at us openly. He sits beside us at the meeting, he votes with us, he applauds with us. Vigilance is the duty of every honest citizen, and the one who does not see the enemy beside him must ask himself why.

*(A paraphrase written for this post, not the editorial's words.)*

## Pronouns

Notice who "we" and "he" are. *We* are the honest ones; *he* is the enemy; but the last sentence turns to a third person, "the one who does not see", and that person is the reader. The editorial moves you from the safe "we" to the suspect "one" in a single sentence. If you have not denounced anyone, you are in question yourself.

## Verbs

The enemy's verbs are all ordinary: he *sits*, *votes*, *applauds*. Nothing an enemy does in the editorial is actually hostile. That is exactly the point: ordinary behaviour becomes evidence. There is nothing you can do to prove your innocence, because innocence looks just like guilt.

## What the numbers say

Freeze gives the figures that the editorial is the weather report for: in 1937-1938 about 1.5 million people were arrested by the NKVD and roughly 680,000 were shot[^1]. The editorial never mentions arrests. It does not need to.

## A comparison

I kept thinking of Orwell, who was writing about the same years from the outside. But the editorial is scarier than anything in *1984* because it is so calm. There is no Big Brother shouting. It reads like advice.

I would be interested to know whether anyone found a letter or diary from 1937 that answers an editorial like this one. Did people talk back, even privately?

[^1]: Gregory Freeze, ed., *Russia: A History*, chapter 10. See also Oleg Khlevniuk, *The History of the Gulag* (Yale, 2004).
""",
    ),
    DemoPost(
        author="kpeters",
        title="Bread by the Gram: A Leningrad Ration Card, 1942",
        category="Society",
        tags="war, Leningrad, siege",
        weeks_ago=3,
        image=DemoImage(
            scene="ration-card",
            alt=(
                "A printed ration card lying at a slight angle on a dark table: a heading, a grid of "
                "numbered coupons with several already cut out, and a round stamp in one corner."
            ),
            caption="A bread ration card from besieged Leningrad, January 1942, with coupons already used",
            credit="Drawn for the coursesite demo",
        ),
        body="""{image}

During the siege of Leningrad (September 1941 to January 1944), the city was cut off from the rest of the country and its people lived on what could be brought across Lake Ladoga. The ration card in this week's source set is a small piece of paper, but it decided who lived.

## What the card says

The card is for the month of January 1942, for a "dependant", which meant someone who did not work in a factory: a child, an elderly person, someone who was too weak. Each coupon was for one day's bread. At the worst point, in November and December 1941, a dependant's ration was 125 grams a day, a slice about the size of a deck of cards, and much of that was not flour.

The back of the card carries a warning which I paraphrase here:

> A lost card is not replaced. Keep it on your person. Coupons cut off by anyone except the shop assistant are void.

*(My paraphrase of the printed warning.)*

## Why the warning matters

The words "a lost card is not replaced" are the most terrifying sentence I have read this term. In the winter of 1941-1942, losing a card at the beginning of the month was a death sentence. The memoirs in our reader talk about people who were robbed of their cards, and people who kept using the cards of relatives who had died, because the dead were still counted until they were registered.

## What Freeze adds

Freeze estimates that around 800,000 civilians died during the siege, most of them of hunger in that first winter[^1]. The card shows the system that tried to share out too little food fairly, and the coupons cut out of it show a month being lived one day at a time.

## Sources

- Gregory Freeze, ed., *Russia: A History*, chapter 11.
- "The Siege of Leningrad." Seventeen Moments in Soviet History.

[^1]: Freeze, *Russia: A History*, chapter 11, and Anna Reid, *Leningrad: The Epic Siege of World War II* (2011).
""",
    ),
    DemoPost(
        author="kpeters",
        title=GULAG_MEMOIR_TITLE,
        category="Society",
        tags="Gulag, memoir, 1953",
        weeks_ago=2,
        body="""For last week's prompt on the succession after Stalin I wanted to look at the same moment from the inside: not the decrees, but the camps.

## The memoir

Our excerpt comes from the memoir of a woman who spent eleven years in camps in the far north and was released in 1954. She wrote it in the 1960s and it circulated for years before it was printed. The passage I chose is her description of the day Stalin's death was announced in the camp. My paraphrase:

> They gathered us on the parade ground and the commandant read the bulletin in a voice that shook. Nobody cried. An old woman next to me crossed herself, very small, with two fingers, the way they did before the revolution, and I did not know if she was praying for him or giving thanks.

*(Paraphrased for this post from the course reader's excerpt.)*

## Memory and the record

The decree of 27 March 1953 (which I want to write about for the Thaw prompt) is exact: five years, ten years, women over fifty. The memoir is not exact at all. She gets the date wrong by a day, and she remembers snow on the parade ground although in another chapter she says it was a thaw. Does that make it less true?

I think memoirs and decrees answer different questions. The decree tells us who was **supposed** to go home. The memoir tells us what it felt like to wait and not know whether you were one of them. Anne Applebaum, whose book we read parts of, uses both together and is careful to say when a memoir is the only source for something[^1].

## The two fingers

The detail I cannot stop thinking about is the old woman crossing herself "the way they did before the revolution". Thirty-six years after 1917, in a camp, the old gesture is still there. It is a small sign that the Soviet state had not remade everyone, even after everything.

[^1]: Anne Applebaum, *Gulag: A History* (2003), introduction and chapter 24.
""",
    ),
    DemoPost(
        author="caitlin",
        title=HOUSING_TITLE,
        category="Society",
        tags="housing, Khrushchev, everyday life",
        weeks_ago=1,
        body="""Khrushchev promised every family a flat of its own, and the five-storey blocks built to keep that promise still stand in every Russian city. People call them *khrushchevki*, not always kindly. This week I read a floor plan as if it were a text.

## The source

The source is a page from a 1959 brochure for new tenants, with a plan of a two-room flat: 44 square metres, a kitchen of six, a bathroom where the toilet and bath share one room. Beside the plan is a short note to the family that is moving in. In my paraphrase:

> Your new home has been designed for the Soviet family of today. Every metre has a purpose. Furniture should be light and low; a folding table will leave room for the children's games.

*(My paraphrase of the brochure's note.)*

## What the plan says

A floor plan is a kind of argument about how people should live. This one says:

- **The family is small.** Two rooms for parents and children, no room for a grandmother. The communal apartment, where three generations and three families shared a kitchen, is over.
- **The kitchen is for cooking, not for living.** Six square metres. And yet, as everyone's grandparents will tell you, the tiny kitchen became the place where the real conversations of the 1960s and 1970s happened, over tea, late at night, away from the rooms with the neighbours on the other side of the wall.
- **Privacy is a gift of the state.** The brochure thanks no one in particular, but the message is clear.

## Promise and reality

Freeze points out that housing construction nearly doubled between 1955 and 1965, and millions of families moved out of barracks and shared flats[^1]. The flats were small and badly built, with walls so thin you could hear your neighbour's radio. But for a family that had lived in one room of a communal apartment, a door that closed was a revolution of its own.

This fits the prompt well, I think: of Khrushchev's promises, this is the one people actually lived in.

[^1]: Gregory Freeze, ed., *Russia: A History*, chapter 13; Steven Harris, *Communism on Tomorrow Street* (2013).
""",
    ),
    DemoPost(
        author="rkw15",
        title=SPUTNIK_TITLE,
        category="Science",
        tags="space, propaganda, newspapers",
        weeks_ago=1,
        image=DemoImage(
            scene="rocket",
            alt=(
                "A pale rocket with four tapering boosters stands on its launch pad at dusk between two "
                "lattice service towers, with clouds of steam rolling along the ground at its base."
            ),
            caption="A rocket on the launch pad, as a newspaper of the early 1960s might have shown it",
            credit="Drawn for the coursesite demo",
        ),
        body="""{image}

## 1. Two front pages

This week I compared two front pages of *Pravda*: 5 October 1957, the day after Sputnik, and 13 April 1961, the day after Yuri Gagarin's flight. Four years apart, they tell the same story in very different tones.

## 2. 1957: the small announcement

The Sputnik report is famously modest. It is a TASS communiqué, printed without a big headline, full of technical details: the orbit, the weight (83.6 kg), the radio frequencies anyone could listen to. In paraphrase:

> The first artificial satellite of the Earth has been created in the Soviet Union, through the dedicated work of scientists and engineers. Its signals can be received by radio amateurs around the world.

*(Paraphrase, not the communiqué's text.)*

The big headlines came only a day or two later, after the **foreign** reaction showed the editors how important it was.

## 3. 1961: the celebration

The Gagarin issue is the opposite: a huge portrait, red ink, the word *Ours!* across the page, and letters from workers, farmers and schoolchildren. The communist future has arrived and it has a smiling face.

## 4. What changed

1. **Confidence.** In 1957 the regime did not know how the world would react. By 1961 the space race was the main stage of Khrushchev's promise to overtake America.
2. **Audience.** The Sputnik story was written for experts (and radio amateurs). The Gagarin story was written for everyone.
3. **A person.** A satellite is hard to love. Gagarin was a farm boy with a great smile, exactly what the Khrushchev era wanted to be.

## 5. At home

The prompt asks what people *lived*. Asif Siddiqi argues that the space programme was one of the few things that made ordinary Soviet people proud without reservations[^1]. My grandfather (who is from Ohio!) still remembers listening for the beeps.

[^1]: Asif A. Siddiqi, *The Red Rockets' Glare: Spaceflight and the Soviet Imagination, 1857-1957* (Cambridge, 2010).
""",
    ),
    DemoPost(
        author="cpurvis2",
        title=VIRGIN_LANDS_TITLE,
        category="Economy",
        tags="agriculture, Khrushchev, Kazakhstan",
        weeks_ago=1,
        image=DemoImage(
            scene="tractors",
            alt=(
                "A column of tractors crosses a huge ploughed field toward a low horizon, raising dust; "
                "a man with a spade on his shoulder watches from the right."
            ),
            caption="Tractors on the Virgin Lands of northern Kazakhstan, 1954, in the style of a press photograph",
            credit="Drawn for the coursesite demo",
        ),
        body="""{image}

Sorry this is late, everyone: I got the due date mixed up with the comment deadline!

In 1954 Khrushchev sent hundreds of thousands of young volunteers to plough up the steppe of northern Kazakhstan and Siberia. The idea was simple and kind of amazing: if the old farmland could not feed the country, just make more farmland. Lots more. About 36 million hectares by 1960, which is more than all the farmland of Canada.

## The source

Our source is a report to the Central Committee from 1956, the first great harvest year, and it is **very** pleased with itself. In paraphrase:

> The virgin and long-fallow lands have given the country over a billion poods of grain. Where there was empty steppe two years ago, there are now state farms, schools and clubs, and the young people who built them.

*(My paraphrase of the report, not its wording.)*

A billion poods is about 16 million tons. That really was a lot of grain.

## Ok, but...

The problems show up in the *next* sources. The steppe is dry and windy. Ploughed too deep and planted with wheat year after year, the soil started to blow away. By the early 1960s there were dust storms, and the harvests dropped. In 1963 the Soviet Union had to buy grain from abroad, which was humiliating for a leader who had promised to overtake America.

## The people

What I liked best in the reader were the letters from the volunteers (there is a whole section of them). They lived in tents for the first winter. Some loved it; they had escaped their parents and their collective farms and they were building something. Others went home as soon as they could.

## So was it a gamble?

I think yes, but one that paid off for a few years. The numbers in the report are real, just rounded up a lot, and nobody in 1956 was asking what would happen in 1963.

[^1]: Gregory Freeze, ed., *Russia: A History*, chapter 13.

Sources: Freeze[^1]; "Virgin Lands." Seventeen Moments in Soviet History.
""",
    ),
    DemoPost(
        author="caitlin",
        title=THAW_TITLE,
        category="Culture",
        tags="thaw, literature, letters",
        weeks_ago=0,
        body="""In November 1962 the literary magazine *Novy Mir* printed Aleksandr Solzhenitsyn's *One Day in the Life of Ivan Denisovich*, a short novel about a single day in a labour camp. The issue sold out at once. What interests me this week is not the novel but the letters that readers sent to the magazine afterward.

## The letters

The editors received hundreds. Our reader gives a handful, from former prisoners, from a camp guard, from a schoolteacher, from an indignant party veteran. Here is my paraphrase of the one that stayed with me, from a woman in Karaganda:

> I read it in one night and then I read it to my husband, who was there for eight years and never speaks of it. At the part about the bread he got up and went out to the yard. In the morning he said: so they know now. So it can be said.

*(Paraphrased for this post; the reader has the full letter.)*

## "So it can be said"

That sentence is the Thaw in five words. The releases of 1953 let people out (see kpeters's post), and the Secret Speech of 1956 admitted that there had been crimes (see Dima's). But until 1962 the camps were something you had lived through, not something you could read about in a magazine bought at a kiosk. Print made the memory public.

## Who disagreed

Not everyone was grateful. One letter, from a retired officer, accuses the magazine of "spitting on the graves" of those who built socialism. And the guard's letter is the strangest of all: he insists that the book is accurate, and that he was only following orders, and asks whether he, too, is now guilty.

## Who gained new freedoms, and who did not?

The prompt's question is really about the edges of the Thaw. Readers gained the freedom to *recognise* their own lives in print. But the permission came from above: Khrushchev personally approved the publication. When he fell in 1964 the door began to close again, and Solzhenitsyn's later books went into samizdat instead (see jslattery's post).

[^1]: Denis Kozlov, *The Readers of Novy Mir: Coming to Terms with the Stalinist Past* (Harvard, 2013), chapter 5.

Further reading: Kozlov[^1]; Freeze, *Russia: A History*, chapter 13.
""",
    ),
    DemoPost(
        author="dmorozov",
        title=SECRET_SPEECH_TITLE,
        category="Politics",
        tags="Khrushchev, 1956, party",
        weeks_ago=0,
        image=DemoImage(
            scene="meeting",
            alt=(
                "A meeting hall seen from the back rows: rows of heads in silhouette face a long table "
                "where three officials sit under a large framed portrait."
            ),
            caption="A party meeting in a factory club, 1956, in the style of a press photograph",
            credit="Drawn for the coursesite demo",
        ),
        body="""{image}

Everyone knows that Khrushchev's speech "On the Cult of Personality and Its Consequences" was given at a closed session of the Twentieth Party Congress on 25 February 1956. What I did not know is that it was then **read aloud**, from a red booklet, at party meetings in factories, offices and farms all over the country. It was "secret" and millions heard it.

## The source

Our reader includes a report from the party secretary of a machine-building factory in Gorky to the regional committee, about the meeting where the speech was read. In my paraphrase:

> The reading took three hours and forty minutes. Comrades listened in full silence. Afterwards questions were asked which showed insufficient understanding: one comrade asked why, if the Presidium knew, it said nothing for three years. Another asked whether the portraits should now be taken down. These comrades were given explanations.

*(Paraphrased for this post; it is not the report's wording.)*

## "Were given explanations"

I love this phrase. The secretary has to report that the questions were asked (he would be in trouble if someone else reported them first), but he makes them sound like mistakes that have been corrected.

And the questions are excellent! The first is the one every historian asks: where was Khrushchev himself in 1937? The second is so practical: what do we do with the pictures? Polly Jones has written that the party had no instructions for this, and that in some places portraits came down overnight while in others they stayed up for years[^1].

## In Georgia

Not every meeting was quiet. In Tbilisi, in March 1956, students who felt that Stalin, a Georgian, was being insulted demonstrated for days, and the army fired on them. The speech did not land the same way everywhere.

## My take

The speech blamed one man so that the system could go on. But reading it aloud to millions made something that could not be taken back: the admission that the party had been wrong. My grandfather remembered his own father coming home from that meeting and saying nothing at all at dinner.

[^1]: Polly Jones, *Myth, Memory, Trauma: Rethinking the Stalinist Past in the Soviet Union, 1953-70* (Yale, 2013).
""",
    ),
    DemoPost(
        author="jslattery",
        title=SAMIZDAT_TITLE,
        category="Culture",
        tags="samizdat, poetry, dissent",
        weeks_ago=0,
        body=""""Samizdat" means "self-published": a text typed out at home, usually with as many carbon copies as the typewriter could take, and passed from hand to hand. The reader of the fifth copy often got a page so faint that they had to guess at the words.

## The poem

Our source is a short poem that circulated in Moscow in the mid-1960s, after Khrushchev's fall, when it became clear that the Thaw was ending. The author is unknown. I've tried to put its middle stanza into plain English myself, without any rhymes:

> They have taken the words back to the warehouse\\
> and counted them, and found some missing.\\
> We keep those, the missing ones,\\
> between the pages of the dictionary, pressed like leaves.

*(My own version, written for this post, of the poem's idea.)*

## Why a poem?

I asked myself why a poem and not an essay. I think because poems are short enough to memorise. You can burn a typescript, but you cannot confiscate something somebody knows by heart. The people who spread samizdat often did memorise it, just in case.

## What the physical copy tells us

The copy in the archive (there's a photo in the reader) is the fourth carbon: the letters are blurry and somebody has corrected three words in pencil. That pencil is a reader, years ago, deciding what the poem said. Every copy of samizdat was a little different, which means there was no "original" at all, only the versions people made.

## Thaw and after

This connects with Caitlin's post on *Novy Mir*: in 1962 the state itself printed a book about the camps. Three years later, the same kinds of texts went back underground. The freedom to speak, it turns out, had only been lent.

**Links**

- [Seventeen Moments in Soviet History: 1966, the Sinyavsky-Daniel trial](https://soviethistory.msu.edu/)
- Ann Komaromi, "The Material Existence of Soviet Samizdat", *Slavic Review* 63, no. 3 (2004).
""",
    ),
]
