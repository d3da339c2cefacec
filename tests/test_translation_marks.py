"""User-facing text is marked for translation: in the templates and at the Python call sites that
put words in front of a person (messages, form labels and help texts, validation errors, API errors).

Each check reads the source, so a new unmarked sentence in a covered file fails here with its text.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings
from django.template.base import Lexer, TokenType

ROOT = Path(settings.BASE_DIR)

# Every page template: the project's own and each app's (allauth's account/ and mfa/ overrides included).
TEMPLATES = sorted(
    str(path.relative_to(ROOT)) for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
)
PYTHON = sorted(
    {
        "accounts/models.py",
        "accounts/services.py",
        "logbook/services.py",
        "plans/import_forms.py",
        "plans/models.py",
        "plans/validation.py",
        *(str(path.relative_to(ROOT)) for name in ("views.py", "forms.py") for path in ROOT.glob(f"*/{name}")),
        *(
            str(path.relative_to(ROOT))
            for app in ("advocacy", "api", "correspondence")
            for path in (ROOT / app).glob("*.py")
        ),
    }
)

NAMES = {"IEP Right", "UTC"}  # the product's name and the time zone stay as they are in every language
READ_ATTRIBUTES = re.compile(r'\b(?:title|alt|aria-label|placeholder)="([^"]*)"')
OPENS = {"blocktranslate", "blocktrans", "comment"}
CLOSES = {"endblocktranslate", "endblocktrans", "endcomment"}


def _words(text: str) -> str:
    for name in NAMES:
        text = text.replace(name, " ")
    text = re.sub(r"&#?\w+;", " ", text.replace("\x01", " "))
    return " ".join(text.split()) if re.search(r"[A-Za-z]{2,}", text) else ""


def unmarked_template_text(source: str) -> list[str]:
    """Text a reader sees (between tags, or in title, alt, aria-label, placeholder) that is outside
    ``{% translate %}`` and ``{% blocktranslate %}``; template variables and tags count as marked."""
    parts: list[str] = []
    depth = 0
    for token in Lexer(source).tokenize():
        name = token.contents.split()[0] if token.token_type == TokenType.BLOCK and token.contents else ""
        depth += (name in OPENS) - (name in CLOSES)
        parts.append(token.contents if token.token_type == TokenType.TEXT and depth == 0 else "\x01")
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", "".join(parts), flags=re.S)
    found = [_words(value) for tag in re.findall(r"<[^>]*>", html) for value in READ_ATTRIBUTES.findall(tag)]
    found += [_words(text) for text in re.sub(r"<[^>]*>", "\x00", html).split("\x00")]
    return [text for text in found if text]


def test_the_template_check_finds_unmarked_text_and_passes_marked_text() -> None:
    source = (
        '{% load i18n %}<nav aria-label="Main"><a title="{% translate \'Yours\' %}">Children</a></nav>'
        "<p>{% blocktranslate with n=count %}{{ n }} records{% endblocktranslate %} {{ name }} · IEP Right</p>"
        "<p>Signed in as {{ email }}.</p><script>const a = 'Not text';</script>"
    )
    assert unmarked_template_text(source) == ["Main", "Children", "Signed in as ."]


def test_every_covered_template_marks_its_text() -> None:
    unmarked = {name: unmarked_template_text((ROOT / name).read_text()) for name in TEMPLATES}
    assert {name: found for name, found in unmarked.items() if found} == {}


# --- Python call sites ---------------------------------------------------------------------------

GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error"}
REFUSALS = {"ValidationError", "MembershipError", "AccountInUse", "AuthorizationError", "HttpError"}
WORDED_KEYWORDS = {"label", "help_text", "message"}
WORDED_DICTS = {"labels", "help_texts"}


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _bare_text(node: ast.AST | None) -> list[str]:
    """The sentences in ``node`` that reach a reader without passing through gettext."""
    if node is None:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if re.search(r"[A-Za-z]{2,}", node.value) else []
    if isinstance(node, ast.JoinedStr):
        return [ast.unparse(node)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _bare_text(node.left)
    if isinstance(node, ast.Dict):
        return [text for value in node.values for text in _bare_text(value)]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [text for item in node.elts for text in _bare_text(item)]
    return []  # a gettext call, a variable, str(error): marked where it was made


def unmarked_python_text(source: str) -> list[str]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if name in GETTEXT:
                continue
            args: list[ast.AST | None] = []
            if name in MESSAGE_LEVELS and isinstance(node.func, ast.Attribute) and len(node.args) >= 2:
                args.append(node.args[1])
            if name in REFUSALS or name == "body":
                args += node.args[:1]
            if name == "add_error" and len(node.args) >= 2:
                args.append(node.args[1])
            if name == "plain_labels" and len(node.args) >= 2:
                args.append(node.args[1])
            args += [keyword.value for keyword in node.keywords if keyword.arg in WORDED_KEYWORDS]
            found += [(node.lineno, text) for arg in args for text in _bare_text(arg)]
        elif isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id in WORDED_DICTS for target in node.targets
        ):
            found += [(node.lineno, text) for text in _bare_text(node.value)]
    return [f"line {line}: {text}" for line, text in sorted(found)]


def test_the_python_check_finds_unmarked_text_and_passes_marked_text() -> None:
    source = """
messages.success(request, f"{name} is ready.")
messages.success(request, _("%(name)s is ready.") % {"name": name})
raise ValidationError({"end": ["The end date is before the start date."]})
field = forms.CharField(label=_("Your name"), help_text="Shown on the records you keep.")
self.add_error("end", str(error))
labels = {"name": "Household name"}
"""
    assert unmarked_python_text(source) == [
        "line 2: f'{name} is ready.'",
        "line 4: The end date is before the start date.",
        "line 5: Shown on the records you keep.",
        "line 7: Household name",
    ]


def test_every_covered_module_marks_what_it_says_to_people() -> None:
    unmarked = {name: unmarked_python_text((ROOT / name).read_text()) for name in PYTHON}
    assert {name: found for name, found in unmarked.items() if found} == {}


def test_the_lists_cover_every_template_and_the_views_and_forms() -> None:
    assert len(TEMPLATES) > 100
    assert {"templates/account/login.html", "templates/404.html", "insights/templates/insights/dashboard.html"} <= set(
        TEMPLATES
    )
    assert {"plans/forms.py", "plans/views.py", "insights/forms.py", "deadlines/views.py"} <= set(PYTHON)
