"""`shopkpi template ROLE|all --out DIR`: XLSX templates for the team's own sheets (shopkpi/templates.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import CliError


def cmd_template(args: argparse.Namespace) -> int:
    from ...templates import TemplateError, roster_ids, write_templates

    try:
        ids = roster_ids(Path(args.roster)) if args.roster else []
        written = write_templates(args.role, Path(args.out), ids)
    except TemplateError as exc:
        raise CliError(str(exc)) from None
    for template in written:
        print(f"{template.path}  {template.layout.name_zh} ({template.layout.report_type})")
    print(f"{len(written)} template(s) in {args.out}: fill the first sheet, save it in exports/<shop_id>/<YYYY-MM>/")
    return 0
