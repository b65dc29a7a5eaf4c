"""The CLI side of the ledger mirror: `restore --from-mirror DIR` (registered by commands/ops.py)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from counter_app.domain.messages import render


def restore_from_mirror_command(args: argparse.Namespace, data_dir: Path) -> int:
    from counter_app.ops.mirror_restore import check_journal, find_journal, restore_from_mirror

    if args.dry_run:
        check = check_journal(find_journal(Path(args.from_mirror), args.counter))
        print(json.dumps(check.to_dict(), indent=2, ensure_ascii=False))
        return 1 if check.problem else 0
    result = restore_from_mirror(data_dir, Path(args.from_mirror), counter_code=args.counter)
    check = result.check
    if args.json:
        print(json.dumps({**check.to_dict(), "restored_to": result.restored_to, "journal_kept_as": result.journal_kept_as,
                          "kinds_kept_only_in_outbox": result.kinds_kept_only_in_outbox}, indent=2, ensure_ascii=False))
    else:
        print(render("mirror.restored", args.lang, counter=check.counter_code, receipts=check.receipts,
                     seq=check.last_seq, records=check.records, kept=result.journal_kept_as))
    if check.problem:
        print(render("mirror.restore_stopped", args.lang, frame=check.problem.get("frame"),
                     offset=check.problem.get("offset"), problem=check.problem.get("key")), file=sys.stderr)
        return 1
    return 0
