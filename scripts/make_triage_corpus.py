"""Build the triage corpus shipped with lawline (src/lawline/moderation/triage_data/).

The source is `triage_data/corpus/<lang>.txt`: labelled texts written by hand for lawline, in
blocks opened by `@ <label> <source> [heldout]` (a lone `@` closes a block, `#` starts a
comment). A block is one source and one way of writing: shop adverts, channel titles, slang
posts, forum chat, news, harm-reduction advice and so on. Blocks marked `heldout` were written
separately, in a register the training blocks of that language and label do not use, and form
`heldout.jsonl`: the split is by source and phrasing, never by sentence. `train.jsonl` holds
every other block plus the filled-in templates of the first corpus (`triage_templates.py`).
A training text equal to a held-out one (ignoring case) is dropped. Released under CC0 1.0.
Run: python scripts/make_triage_corpus.py [--no-templates]
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from triage_templates import filled

DATA = Path(__file__).parents[1] / "src" / "lawline" / "moderation" / "triage_data"
LABELS = {
    "csam",
    "terrorism",
    "weapons",
    "drugs",
    "scam",
    "doxxing",
    "hate",
    "illegal_goods",
    "spam",
    "none",
}


def read_language(path: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    lang = path.stem
    train: list[dict[str, str]] = []
    held_out: list[dict[str, str]] = []
    block: tuple[str, str, bool] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            words = line[1:].split()
            if not words:
                block = None
                continue
            if len(words) not in (2, 3) or words[0] not in LABELS:
                raise SystemExit(f"{path}:{number}: expected '@ <label> <source> [heldout]'")
            block = (words[0], words[1], words[2:] == ["heldout"])
            continue
        if block is None:
            raise SystemExit(f"{path}:{number}: text outside a block")
        label, source, is_held_out = block
        row = {"text": line, "label": label, "lang": lang, "source": f"{lang}/{source}"}
        (held_out if is_held_out else train).append(row)
    return train, held_out


def main() -> None:
    rng = random.Random(20261123)
    train, held_out = [], []
    for path in sorted((DATA / "corpus").glob("*.txt")):
        more_train, more_held_out = read_language(path)
        train += more_train
        held_out += more_held_out
    if "--no-templates" not in sys.argv:
        train += filled(rng)
    unseen = {r["text"].casefold() for r in held_out}
    train = [r for r in train if r["text"].casefold() not in unseen]
    rng.shuffle(train)
    for name, rows in (("train.jsonl", train), ("heldout.jsonl", held_out)):
        with (DATA / name).open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"train: {len(train)}, held out: {len(held_out)}")


if __name__ == "__main__":
    main()
