"""The last step before anything is sent to Slack: one check for every message, view and response.

`message` (chat.postMessage, chat.postEphemeral, chat.update, respond), `home_view`
(views.publish), `modal` (views.open, views.update, view_submission answers) and `unfurl`
(chat.unfurl) turn blocks into dicts and make them safe and sendable:

* in the ``text`` fallback and every mrkdwn field, broadcast tokens (``<!channel>``,
  ``<!here>``, ``<!everyone>``, ``<!subteam^…>``) are neutralised, and a link whose label
  looks like a URL or names another host shows its real host instead (third-party text is
  escaped where it is rendered, with `bot.shared.mrkdwn`; this is the net under it);
* Slack's documented limits are met by shortening, never by failing: block counts, text
  lengths, context elements, URLs, button texts and values, action and block ids. A link
  too long for its text loses its URL first, the text is clipped after that, never inside
  a ``<…>`` token or an ``&…;`` entity.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.basic_objects import JsonObject

from bot.shared.mrkdwn import clip, honest_label, host_of, link_token

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
TEXT_LIMIT = 4000  # chat.postMessage `text`: Slack truncates past 40,000 and advises at most 4,000
SECTION_TEXT = 3000
CONTEXT_TEXT = 3000
FIELD_TEXT = 2000
MAX_FIELDS = 10
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
URL_LIMIT = 3000
ID_LIMIT = 255
ALT_TEXT = 2000
CONFIRM_TITLE, CONFIRM_TEXT, CONFIRM_BUTTON = 100, 300, 30
MODAL_TITLE = 24  # a modal's title, submit and close texts
PRIVATE_METADATA = 3000
INPUT_LABEL = 2000

JsonDict = dict[str, Any]
_TOKEN = re.compile(r"<([^<>\n]*)>")


# ----------------------------------------------------------------- mrkdwn text
def _neutral(token: str) -> str:
    return f"&lt;{token}&gt;"


def _safe_token(match: re.Match[str]) -> str:
    inner = match.group(1)
    if inner.startswith("!"):  # Podbrief only ever formats dates; channel, here, everyone, subteam… never go out
        return match.group(0) if inner.startswith("!date^") else _neutral(inner)
    if inner.startswith(("@", "#")) or not inner:
        return match.group(0)
    url, bar, label = inner.partition("|")
    plain_url = url.replace("&amp;", "&")
    if len(url) > URL_LIMIT:
        return label or host_of(plain_url) or "link"
    if bar and not honest_label(plain_url, label.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")):
        return link_token(plain_url, label)
    return match.group(0)


def safe_mrkdwn(text: str) -> str:
    """`text` with broadcast mentions neutralised and disguised links shown with their real host."""
    return _TOKEN.sub(_safe_token, text)


def _unlink_longest(text: str) -> str | None:
    """`text` with its link of the longest URL replaced by its label (or host); None when it has no link."""
    links = [m for m in _TOKEN.finditer(text) if m.group(1)[:1] not in ("!", "@", "#", "")]
    if not links:
        return None
    longest = max(links, key=lambda m: len(m.group(1)))
    url, _, label = longest.group(1).partition("|")
    return text[: longest.start()] + (label or host_of(url.replace("&amp;", "&")) or "link") + text[longest.end():]


def _clip_outside_tokens(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    clipped = clip(text, limit)
    body = clipped[:-1]
    opened = body.rfind("<")
    if opened > body.rfind(">"):  # the cut fell inside a <…> token: drop the whole token
        clipped = body[:opened].rstrip() + "…"
    return clipped


def fit_mrkdwn(text: str, limit: int) -> str:
    """Safe mrkdwn of at most `limit` characters: links lose their URL, longest first, before text is cut."""
    text = safe_mrkdwn(text)
    while len(text) > limit:
        shorter = _unlink_longest(text)
        if shorter is None:
            break
        text = shorter
    return _clip_outside_tokens(text, limit)


def _fit_text_object(obj: Any, limit: int) -> Any:
    return _fit_text_dict(obj, limit) if isinstance(obj, dict) else obj


def _fit_text_dict(obj: JsonDict, limit: int) -> JsonDict:
    text = str(obj.get("text") or "")
    fitted = fit_mrkdwn(text, limit) if obj.get("type") == "mrkdwn" else clip(text, limit)
    return {**obj, "text": fitted or "…"}


# ----------------------------------------------------------------- elements and blocks
def _fit_ids(item: JsonDict) -> JsonDict:
    for key in ("action_id", "block_id"):
        if isinstance(item.get(key), str):
            item[key] = item[key][:ID_LIMIT]
    return item


def _fit_confirm(confirm: JsonDict) -> JsonDict:
    fitted = dict(confirm)
    for key, limit in (("title", CONFIRM_TITLE), ("text", CONFIRM_TEXT), ("confirm", CONFIRM_BUTTON),
                       ("deny", CONFIRM_BUTTON)):
        if key in fitted:
            fitted[key] = _fit_text_object(fitted[key], limit)
    return fitted


def _fit_element(element: JsonDict) -> JsonDict | None:
    """An interactive or context element within its limits; None when it cannot be kept (an image URL too long)."""
    fitted = _fit_ids(dict(element))
    kind = fitted.get("type")
    if kind == "image":
        if len(str(fitted.get("image_url") or "")) > URL_LIMIT:
            return None
        fitted["alt_text"] = clip(str(fitted.get("alt_text") or "image"), ALT_TEXT)
        return fitted
    if kind in ("mrkdwn", "plain_text"):
        return _fit_text_dict(fitted, CONTEXT_TEXT)
    if "text" in fitted:
        fitted["text"] = _fit_text_object(fitted["text"], BUTTON_TEXT if kind == "button" else SECTION_TEXT)
    if isinstance(fitted.get("value"), str):
        fitted["value"] = fitted["value"][:BUTTON_VALUE]
    if len(str(fitted.get("url") or "")) > URL_LIMIT:
        del fitted["url"]
    if isinstance(fitted.get("confirm"), dict):
        fitted["confirm"] = _fit_confirm(fitted["confirm"])
    return fitted


def _kept(elements: Iterable[JsonDict], limit: int) -> list[JsonDict]:
    return [e for e in (_fit_element(e) for e in elements) if e is not None][:limit]


def _fit_section(block: JsonDict) -> JsonDict | None:
    if "text" in block:
        block["text"] = _fit_text_object(block["text"], SECTION_TEXT)
    if "fields" in block:
        block["fields"] = [_fit_text_object(f, FIELD_TEXT) for f in block["fields"][:MAX_FIELDS]]
    if isinstance(block.get("accessory"), dict):
        accessory = _fit_element(block["accessory"])
        if accessory is None:
            del block["accessory"]
        else:
            block["accessory"] = accessory
    return block if block.get("text") or block.get("fields") else None


def _fit_context(block: JsonDict) -> JsonDict | None:
    block["elements"] = _kept(block.get("elements") or [], CONTEXT_ELEMENTS)
    return block if block["elements"] else None


def _fit_actions(block: JsonDict) -> JsonDict | None:
    block["elements"] = _kept(block.get("elements") or [], ACTIONS_ELEMENTS)
    return block if block["elements"] else None


def _fit_header(block: JsonDict) -> JsonDict:
    block["text"] = _fit_text_object(block.get("text") or {"type": "plain_text", "text": "…"}, HEADER_TEXT)
    return block


def _fit_image(block: JsonDict) -> JsonDict | None:
    if len(str(block.get("image_url") or "")) > URL_LIMIT:
        return None
    block["alt_text"] = clip(str(block.get("alt_text") or "image"), ALT_TEXT)
    if isinstance(block.get("title"), dict):
        block["title"] = _fit_text_object(block["title"], ALT_TEXT)
    return block


def _fit_input(block: JsonDict) -> JsonDict:
    for key in ("label", "hint"):
        if isinstance(block.get(key), dict):
            block[key] = _fit_text_object(block[key], INPUT_LABEL)
    return block


_FITTERS: dict[str, Callable[[JsonDict], JsonDict | None]] = {
    "section": _fit_section, "context": _fit_context, "actions": _fit_actions, "header": _fit_header,
    "image": _fit_image, "input": _fit_input,
}


def fit_block(block: JsonDict) -> JsonDict | None:
    """One block within Slack's limits (None when nothing of it can be kept)."""
    fitter = _FITTERS.get(str(block.get("type")))
    fitted = _fit_ids(dict(block))
    return fitter(fitted) if fitter else fitted


def as_dict(obj: Any) -> Any:
    """A slack_sdk model as its JSON dict, even when it is over a limit slack_sdk checks (shortened later)."""
    if isinstance(obj, (list, tuple)):
        return [as_dict(o) for o in obj]
    if not isinstance(obj, JsonObject):
        return obj
    try:
        return obj.to_dict()
    except SlackObjectFormationError:
        attributes = ((key, obj.get_object_attribute(key)) for key in sorted(obj.attributes))
        return {key: as_dict(value) for key, value in attributes if value is not None and value != [] and value != ""}


def fit_blocks(blocks: Sequence[Any], limit: int = MESSAGE_BLOCKS) -> list[JsonDict]:
    """Blocks (models or dicts) as dicts, each within its limits, at most `limit` of them."""
    fitted = (fit_block(as_dict(block)) for block in blocks)
    return [block for block in fitted if block is not None][:limit]


# ----------------------------------------------------------------- what is sent
def message(blocks: Sequence[Any], text: str) -> JsonDict:
    """``blocks`` and ``text`` for chat.postMessage, chat.postEphemeral, chat.update and respond()."""
    return {"blocks": fit_blocks(blocks, MESSAGE_BLOCKS), "text": fit_mrkdwn(text, TEXT_LIMIT)}


def home_view(blocks: Sequence[Any]) -> JsonDict:
    """The ``view`` for views.publish of a Home tab."""
    return {"type": "home", "blocks": fit_blocks(blocks, VIEW_BLOCKS)}


def modal(blocks: Sequence[Any], *, title: str, callback_id: str, submit: str | None = None,
          close: str = "Cancel", private_metadata: str = "") -> JsonDict:
    """The ``view`` of a modal for views.open / views.update (titles within Slack's 24 characters)."""
    view: JsonDict = {
        "type": "modal", "callback_id": callback_id[:ID_LIMIT], "blocks": fit_blocks(blocks, VIEW_BLOCKS),
        "title": {"type": "plain_text", "text": clip(title, MODAL_TITLE) or "Podbrief"},
        "close": {"type": "plain_text", "text": clip(close, MODAL_TITLE)},
    }
    if submit:
        view["submit"] = {"type": "plain_text", "text": clip(submit, MODAL_TITLE)}
    if private_metadata:
        if len(private_metadata) > PRIVATE_METADATA:
            raise ValueError("private_metadata over Slack's 3,000 characters would be cut: keep it small")
        view["private_metadata"] = private_metadata
    return view


def unfurl(blocks: Sequence[Any]) -> JsonDict:
    """One link's unfurl for chat.unfurl (the same limits as a message's blocks)."""
    return {"blocks": fit_blocks(blocks, MESSAGE_BLOCKS)}
