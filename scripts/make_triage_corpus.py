"""Build the triage corpus shipped with lawline (src/lawline/moderation/triage_data/).

The sources are labelled texts written by hand for lawline, in blocks opened by
`@ <label> <source>` (a lone `@` closes a block, `# ` starts a comment, so a text may begin
with a #hashtag or an @handle). A block is one source and one way of writing: shop adverts,
channel titles, slang posts, forum chat, news, harm-reduction advice and so on. The language
is the file name up to its first dot.

- `triage_data/corpus/<lang>[.<part>].txt` are the training texts (`train.jsonl`). The
  template-filled sentences of lawline's first corpus are gone: they taught the model its own
  templates, not the world.
  Blocks there marked `heldout` were the first evaluation set; they were looked at while the
  corpus grew, so they are training data now.
- `triage_data/heldout/<lang>.txt` is the frozen evaluation set (`heldout.jsonl`), written by
  other authors, from other sources and in other registers than any training block, without
  reading the training texts: the split is by source and phrasing, never by sentence.

A training text equal to a held-out one (ignoring case) is dropped. Released under CC0 1.0.
Run: python scripts/make_triage_corpus.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

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


def read_blocks(path: Path) -> list[dict[str, str]]:
    lang = path.name.split(".")[0]
    rows: list[dict[str, str]] = []
    block: tuple[str, str] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line == "#" or line.startswith("# "):  # "#tag post" is a text
            continue
        if line == "@" or line.startswith("@ "):  # "@handle ..." is a text
            words = line[1:].split()
            if not words:
                block = None
                continue
            if len(words) not in (2, 3) or words[0] not in LABELS:  # 3: an old 'heldout' mark
                raise SystemExit(f"{path}:{number}: expected '@ <label> <source>'")
            block = (words[0], words[1])
            continue
        if block is None:
            raise SystemExit(f"{path}:{number}: text outside a block")
        label, source = block
        rows.append({"text": line, "label": label, "lang": lang, "source": f"{lang}/{source}"})
    return rows


def main() -> None:
    rng = random.Random(20261123)
    train = [row for path in sorted((DATA / "corpus").glob("*.txt")) for row in read_blocks(path)]
    held_out = [
        row for path in sorted((DATA / "heldout").glob("*.txt")) for row in read_blocks(path)
    ]
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
