"""Terminal styling: colours and status marks, switched off when colour is off."""
from dataclasses import dataclass

_CODES = {"red": "31", "green": "32", "yellow": "33", "blue": "34", "bold": "1", "dim": "2"}
MARKS = {"ok": "✔", "fail": "✘", "unknown": "?", "warn": "!", "info": "i"}
SEVERITY_COLOR = {"error": "red", "warning": "yellow", "info": "blue"}


@dataclass(frozen=True)
class Style:
    color: bool = False

    def paint(self, text: str, *names: str) -> str:
        if not self.color or not names:
            return text
        codes = ";".join(_CODES[n] for n in names)
        return f"\033[{codes}m{text}\033[0m"

    def mark(self, status: str) -> str:
        color = {"ok": "green", "fail": "red", "unknown": "yellow", "warn": "yellow", "info": "blue"}[status]
        return self.paint(MARKS[status], color, "bold")
