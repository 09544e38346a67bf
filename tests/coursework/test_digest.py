"""The digest's contents, who may write and publish it, and its email."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards.models import AwardType
from coursework import choice, digests
from coursework.digests import DigestRefused
from coursework.models import ChoiceClose, Digest, DigestFeature, WeekEmailPreference
from tests.factories import (
    AwardFactory,
    AwardTypeFactory,
    CommentFactory,
    CourseFactory,
    DigestFactory,
    EditorialTermFactory,
    InstructorFactory,
    MembershipFactory,
    PostFactory,
    PromptFactory,
    PromptResponseFactory,
    UserFactory,
    VoteFactory,
)

UTC = datetime.UTC
MONDAY = datetime.date(2026, 11, 2)  # the week the digest covers
NEXT_WEDNESDAY = datetime.datetime(2026, 11, 11, 12, 0, tzinfo=UTC)  # when the editors compile it


@pytest.fixture(autouse=True)
def _the_wednesday_after():
    with time_machine.travel(NEXT_WEDNESDAY, tick=False):
        yield


@pytest.fixture
def course(db):
    return CourseFactory(time_zone="UTC")


@pytest.fixture
def instructor(course):
    return InstructorFactory(course=course).user


def on(day, hour=12):
    return datetime.datetime(2026, 11, day, hour, 0, tzinfo=UTC)


def post_on(course, day, hour=12, **kwargs):
    return PostFactory(course=course, published_at=on(day, hour), **kwargs)


def test_the_weeks_awards_show_public_notes_only(course, instructor):
    public = post_on(course, 3, title="Public note post")
    private = post_on(course, 4, title="Private note post")
    last_week = PostFactory(course=course, published_at=datetime.datetime(2026, 10, 30, tzinfo=UTC))
    red_star = AwardTypeFactory(course=course, name="Red star")
    AwardFactory(
        post=public, award_type=red_star, given_by=instructor, note="A careful reading", note_public=True
    )
    AwardFactory(
        post=private, award_type=red_star, given_by=instructor, note="Secret reason", note_public=False
    )
    AwardFactory(
        post=last_week, award_type=red_star, given_by=instructor
    )  # given this week, for last week's post
    contents = digests.digest_contents(course, MONDAY)
    assert [(a.post.title, a.note) for a in contents.awards] == [
        ("Public note post", "A careful reading"),
        ("Private note post", ""),
    ]


def test_the_students_choice_is_the_vote_award_of_the_weeks_posts(course, instructor):
    winner, other = post_on(course, 3), post_on(course, 4)
    VoteFactory(post=winner, week=MONDAY)
    contents = digests.digest_contents(course, MONDAY)
    assert contents.students_choice == [] and contents.choice_close is None
    choice.close_week(course=course, week=MONDAY, closed_by=instructor)
    # Last week's close gives nothing to this week's digest, and the other way round.
    last_week_winner = PostFactory(course=course, published_at=datetime.datetime(2026, 10, 28, tzinfo=UTC))
    VoteFactory(post=last_week_winner, week=MONDAY - datetime.timedelta(weeks=1))
    choice.close_week(course=course, week=MONDAY - datetime.timedelta(weeks=1), closed_by=instructor)
    contents = digests.digest_contents(course, MONDAY)
    assert [a.post for a in contents.students_choice] == [winner]
    assert contents.choice_close == ChoiceClose.objects.get(week=MONDAY)
    assert contents.awards == []  # shown once, as the Students' Choice
    assert other not in [a.post for a in contents.students_choice]


def test_the_students_choice_section_says_where_the_vote_stands(course):
    post = post_on(course, 3)
    contents = digests.digest_contents(course, MONDAY)  # ended, nobody voted: it never closes
    assert contents.vote_ended and not contents.votes_being_counted and contents.choice_close is None
    VoteFactory(post=post, week=MONDAY)
    assert digests.digest_contents(course, MONDAY).votes_being_counted  # `tick` has not run yet
    this_week = digests.digest_contents(course, datetime.date(2026, 11, 9))
    assert not this_week.vote_ended and not this_week.votes_being_counted


def test_comrades_corner_ranks_by_classmates_comments_then_commenters_then_newest(course):
    a = post_on(course, 3, title="A")
    b = post_on(course, 4, title="B")
    c = post_on(course, 5, title="C")
    d = post_on(course, 3, hour=9, title="D")
    e = post_on(course, 6, title="E")
    last_week = PostFactory(course=course, published_at=datetime.datetime(2026, 10, 30, tzinfo=UTC))
    one, two, three = (MembershipFactory(course=course).user for _ in range(3))
    for author in (one, one, two):
        CommentFactory(post=a, author=author)  # 3 comments, 2 classmates
    for author in (one, two, three):
        CommentFactory(post=b, author=author)  # 3 comments, 3 classmates: above A
    for _ in range(5):
        CommentFactory(post=c, author=c.author)  # the author answering: not a discussion
    CommentFactory(post=c, author=one, status="pending")
    CommentFactory(post=c, author=two, status="removed")
    CommentFactory(post=c, author=None, guest_name="A visitor")
    CommentFactory(post=d, author=one)
    CommentFactory(post=e, author=two)  # ties with D: the newer first
    for _ in range(9):
        CommentFactory(post=last_week)
    corner = digests.digest_contents(course, MONDAY).corner
    assert [(p.title, p.discussion_comments, p.discussion_commenters) for p in corner] == [
        ("B", 3, 3),
        ("A", 3, 2),
        ("E", 1, 1),
        ("D", 1, 1),
    ]


def test_comrades_corner_keeps_the_top_five(course):
    for day in range(2, 9):
        CommentFactory(post=post_on(course, day))
    assert len(digests.digest_contents(course, MONDAY).corner) == 5


def test_posts_still_waiting_for_a_classmates_response(course):
    answered = post_on(course, 3, title="Answered")
    CommentFactory(post=answered)
    only_self = post_on(course, 4, title="Only its author")
    CommentFactory(post=only_self, author=only_self.author)
    held = post_on(course, 5, title="Held comment")
    CommentFactory(post=held, status="pending")
    post_on(course, 6, title="Nothing yet")
    waiting = digests.digest_contents(course, MONDAY).waiting
    assert [p.title for p in waiting] == ["Only its author", "Held comment", "Nothing yet"]


def test_the_prompts_due_in_the_week_with_how_many_answered(course):
    due = PromptFactory(
        course=course, title="De-Stalinization and the Thaw", opens_at=on(2, 0), due_at=on(6, 17)
    )
    PromptFactory(course=course, title="Next week's", opens_at=on(6, 0), due_at=on(13, 17))
    for day in (3, 4):
        PromptResponseFactory(post=post_on(course, day), prompt=due)
    draft = PostFactory(course=course, status="draft", published_at=None)
    PromptResponseFactory(post=draft, prompt=due)  # not answered until published
    contents = digests.digest_contents(course, MONDAY)
    assert [(p.prompt.title, p.answered) for p in contents.prompts] == [("De-Stalinization and the Thaw", 2)]
    assert contents.prompts[0].due_label == "Fri 6 Nov, 17:00 (UTC)"


def test_featured_posts_in_the_editors_order_published_ones_only(course):
    first, second, withdrawn = post_on(course, 3), post_on(course, 4), post_on(course, 5)
    digest = DigestFactory(course=course, week=MONDAY)
    for position, post in enumerate([second, withdrawn, first]):
        DigestFeature.objects.create(digest=digest, post=post, position=position)
    withdrawn.status = "draft"
    withdrawn.save()
    assert digests.digest_contents(course, MONDAY).featured == [second, first]


def _fill_week(course, week_monday, n, instructor, red_star):
    start = datetime.datetime.combine(week_monday, datetime.time(9), tzinfo=UTC)
    prompts = [
        PromptFactory(
            course=course,
            opens_at=start - datetime.timedelta(hours=9),
            due_at=start + datetime.timedelta(days=4, minutes=k),
        )
        for k in range(min(n, 3))
    ]
    digest = DigestFactory(course=course, week=week_monday)
    posts = []
    for i in range(n):
        post = PostFactory(course=course, published_at=start + datetime.timedelta(minutes=i))
        posts.append(post)
        CommentFactory(post=post)
        CommentFactory(post=post, author=post.author)
        AwardFactory(post=post, award_type=red_star, given_by=instructor, note_public=True)
        PromptResponseFactory(post=post, prompt=prompts[i % len(prompts)])
        DigestFeature.objects.create(digest=digest, post=post, position=i)
        PostFactory(course=course, published_at=start + datetime.timedelta(minutes=i, seconds=30))  # waiting
    VoteFactory(post=posts[0], week=week_monday)
    choice.close_week(course=course, week=week_monday, closed_by=instructor)


def _touch_everything(contents):
    """What the page and the email read, so lazy loads would show up as queries."""
    for award in contents.awards + contents.students_choice:
        award.award_type.get_absolute_url(), award.post.get_absolute_url(), award.post.display_author
    for post in contents.corner + contents.waiting + contents.featured:
        post.get_absolute_url(), post.display_author
    for item in contents.prompts:
        item.prompt.get_absolute_url()


def test_the_contents_take_the_same_queries_for_1_and_50_posts(course, instructor):
    red_star = AwardTypeFactory(course=course)
    small, big = MONDAY - datetime.timedelta(weeks=1), MONDAY
    _fill_week(course, small, 1, instructor, red_star)
    _fill_week(course, big, 50, instructor, red_star)
    counts = []
    for week in (small, big):
        with CaptureQueriesContext(connection) as captured:
            contents = digests.digest_contents(course, week)
            _touch_everything(contents)
        counts.append([q["sql"] for q in captured.captured_queries])
    assert len(contents.featured) == 50 and len(contents.corner) == 5 and contents.students_choice
    assert len(contents.prompts) == 3 and len(contents.waiting) == digests.WAITING_SHOWN
    assert len(counts[0]) == len(counts[1]), "\n\n".join(["1:", *counts[0], "50:", *counts[1]])


# --- Who may write and publish -------------------------------------------------


def save(course, by, **kwargs):
    kwargs.setdefault("introduction", "A good week.")
    kwargs.setdefault("featured", [])
    return digests.digest_save(course=course, week=MONDAY, by=by, **kwargs)


def test_an_editor_in_term_writes_and_publishes(course):
    editor = EditorialTermFactory(member=MembershipFactory(course=course)).member.user
    result = save(course, editor, publish=True)
    digest = Digest.objects.get()
    assert result.published_now and digest.is_published
    assert (digest.published_by, digest.published_at) == (editor, NEXT_WEDNESDAY)
    assert digest.introduction_html == "<p>A good week.</p>\n"


@pytest.mark.parametrize("who", ["editor out of term", "student", "other instructor", "outsider"])
def test_others_may_not_write_the_digest(course, who):
    if who == "editor out of term":
        user = EditorialTermFactory(
            member=MembershipFactory(course=course),
            starts=datetime.date(2026, 10, 1),
            ends=datetime.date(2026, 11, 10),  # ended yesterday
        ).member.user
    elif who == "student":
        user = MembershipFactory(course=course).user
    elif who == "other instructor":
        user = InstructorFactory(course=CourseFactory()).user
    else:
        user = UserFactory()
    with pytest.raises(DigestRefused, match="editorial team"):
        save(course, user, publish=True)
    assert not Digest.objects.exists()


def test_a_future_week_cannot_be_written_but_the_current_one_can(course, instructor):
    with pytest.raises(DigestRefused, match="not started"):
        digests.digest_save(
            course=course, week=datetime.date(2026, 11, 16), introduction="", featured=[], by=instructor
        )
    this_week = datetime.date(2026, 11, 9)
    result = digests.digest_save(
        course=course, week=this_week, introduction="", featured=[], by=instructor, publish=True
    )
    assert result.published_now


def test_only_the_weeks_published_posts_can_be_featured(course, instructor):
    last_week = PostFactory(course=course, published_at=datetime.datetime(2026, 10, 30, tzinfo=UTC))
    with pytest.raises(DigestRefused, match="not a published post of this week"):
        save(course, instructor, featured=[last_week])
    other_course = PostFactory(published_at=on(3))
    with pytest.raises(DigestRefused):
        save(course, instructor, featured=[other_course])


def test_saving_again_replaces_the_featured_posts_in_the_new_order(course, instructor):
    a, b, c = post_on(course, 3), post_on(course, 4), post_on(course, 5)
    save(course, instructor, featured=[a, b])
    save(course, instructor, featured=[c, a])
    assert digests.digest_contents(course, MONDAY).featured == [c, a]


# --- The email -----------------------------------------------------------------


@pytest.fixture
def readers(course):
    """Who is in the course, and who wants the digest."""
    wants = MembershipFactory(course=course, user=UserFactory(username="wants")).user
    said_yes = MembershipFactory(course=course, user=UserFactory(username="saidyes")).user
    WeekEmailPreference.objects.create(user=said_yes, on_prompt_open=False, on_digest=True)
    said_no = MembershipFactory(course=course, user=UserFactory(username="saidno")).user
    WeekEmailPreference.objects.create(user=said_no, on_digest=False)
    MembershipFactory(course=course, user=UserFactory(username="noemail", email=""))
    gone = MembershipFactory(course=course, user=UserFactory(username="gone")).user
    gone.is_active = False
    gone.save()
    teacher = InstructorFactory(course=course, user=UserFactory(username="teacher")).user
    UserFactory(username="stranger")  # not in the course
    return {"wants": wants, "said_yes": said_yes, "teacher": teacher}


def test_publishing_emails_each_member_who_wants_it_once(
    course, readers, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://blog.example.edu"
    author = MembershipFactory(course=course, user=UserFactory(username="author", email="author@example.edu"))
    featured = post_on(course, 3, title="The Thaw in letters", author=author.user)
    discussed = post_on(course, 4, title="Novy Mir and its readers", author=author.user)
    CommentFactory(post=discussed, author=readers["wants"])
    teacher = readers["teacher"]
    with django_capture_on_commit_callbacks(execute=True):
        save(course, teacher, introduction="This week: *the Thaw*.", featured=[featured], publish=True)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "author@example.edu",
        "saidyes@example.edu",
        "teacher@example.edu",
        "wants@example.edu",
    ]
    assert all(len(m.to) == 1 for m in mailoutbox)
    body = mailoutbox[0].body
    assert "This week: *the Thaw*." in body
    assert "The Thaw in letters" in body and "https://blog.example.edu" + featured.get_absolute_url() in body
    assert "Comrades' Corner" in body and "Novy Mir and its readers: 1 comment from 1 classmate" in body
    assert "https://blog.example.edu" + discussed.get_absolute_url() in body
    assert "https://blog.example.edu/week/emails/" in body
    assert "week of 2 November 2026" in mailoutbox[0].subject

    # Publishing again, or editing the published digest, sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        again = save(course, teacher, introduction="Corrected.", publish=True)
        save(course, teacher, introduction="Corrected twice.")
    assert not again.published_now
    assert len(mailoutbox) == 4
    digest = Digest.objects.get()
    assert digest.introduction == "Corrected twice." and digest.is_published
    assert digest.published_at == NEXT_WEDNESDAY


def test_the_demo_publishes_without_emailing(course, readers, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = save(course, readers["teacher"], publish=True, notify=False)
    assert result.published_now and mailoutbox == []


def test_a_draft_sends_nothing(course, readers, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        save(course, readers["teacher"])
    assert mailoutbox == []
    assert Digest.objects.get().status == Digest.Status.DRAFT


def test_the_students_choice_type_is_the_one_the_close_makes(course, instructor):
    """The digest finds the Students' Choice by its type's way of giving, whatever the type is called."""
    winner = post_on(course, 3)
    VoteFactory(post=winner, week=MONDAY)
    choice.close_week(course=course, week=MONDAY, closed_by=instructor)
    award_type = AwardType.objects.get(slug="students-choice")
    award_type.name = "Class favourite"
    award_type.save()
    assert [a.award_type.name for a in digests.digest_contents(course, MONDAY).students_choice] == [
        "Class favourite"
    ]
