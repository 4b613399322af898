#!/usr/bin/env python3
"""docs/dash.ansi (tmux capture-pane -e) to a standalone HTML page, for a PNG screenshot with
headless chromium (bench/dash_screenshot.sh). Handles the SGR codes tmux writes: reset, bold,
dim, reverse, the 8/16 colours and 256-colour foregrounds and backgrounds."""
import html
import re
import sys

BASE = ["#1e1e1e", "#e06c75", "#98c379", "#e5c07b", "#61afef", "#c678dd", "#56b6c2", "#dcdfe4"]
BRIGHT = ["#5c6370", "#ff7b86", "#b5e890", "#ffd68a", "#8cc8ff", "#e099ff", "#7fd8e3", "#ffffff"]
FG, BG = "#dcdfe4", "#1e1e1e"


def c256(n):
    if n < 8:
        return BASE[n]
    if n < 16:
        return BRIGHT[n - 8]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)


def convert(text):
    out, state = [], {}
    for part in re.split(r"(\x1b\[[0-9;]*m)", text):
        m = re.fullmatch(r"\x1b\[([0-9;]*)m", part)
        if not m:
            if part:
                fg, bg = state.get("fg", FG), state.get("bg", BG)
                if state.get("rev"):
                    fg, bg = bg, fg
                style = f"color:{fg};background:{bg}"
                if state.get("bold"):
                    style += ";font-weight:bold"
                if state.get("dim"):
                    style += ";opacity:.7"
                out.append(f'<span style="{style}">{html.escape(part)}</span>')
            continue
        codes = [int(c) if c else 0 for c in m.group(1).split(";")]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                state = {}
            elif c == 1:
                state["bold"] = True
            elif c == 2:
                state["dim"] = True
            elif c == 7:
                state["rev"] = True
            elif c in (22,):
                state.pop("bold", None); state.pop("dim", None)
            elif c == 27:
                state.pop("rev", None)
            elif 30 <= c <= 37:
                state["fg"] = BASE[c - 30]
            elif 90 <= c <= 97:
                state["fg"] = BRIGHT[c - 90]
            elif 40 <= c <= 47:
                state["bg"] = BASE[c - 40]
            elif c == 39:
                state.pop("fg", None)
            elif c == 49:
                state.pop("bg", None)
            elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                state["fg" if c == 38 else "bg"] = c256(codes[i + 2])
                i += 2
            i += 1
    return "".join(out)


text = open(sys.argv[1], encoding="utf-8").read()
body = convert(text)
print(f"""<!doctype html><html><head><meta charset="utf-8"><style>
body{{margin:0;background:{BG}}}
pre{{margin:0;padding:12px;font:14px/1.2 'DejaVu Sans Mono',monospace;color:{FG};background:{BG}}}
</style></head><body><pre>{body}</pre></body></html>""")
