"""The data commands of `border-dashboard`: `import`, `update` and `summary`. No Dash here.

`summary` is meant to answer at once: what only `import` and `update` need (the importers and their
spreadsheet reader, the downloader and its HTTP and TLS modules) is imported by those commands alone, and
`summary` reads only the source it is asked about (``store.load(..., lazy=True)``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path

import platformdirs

from border_dashboard.data import analysis, store
from border_dashboard.data.schema import FISCAL_YEAR, DataImportError
from border_dashboard.data.schema import Encounters as E
from border_dashboard.data.sources import DEFAULT_SOURCE, SOURCES, UPDATE_TIMEOUT_SECONDS, resolve_source


def data_dir_help(writes: bool) -> str:
    """Where a command reads or writes, for its --help."""
    variable = f"${store.DATA_DIR_VARIABLE}"
    variable += f" (set to {store.user_data_dir()})" if os.environ.get(store.DATA_DIR_VARIABLE) else " if set"
    where = f"default: {variable}, else the user data folder {platformdirs.user_data_dir(store.APP_NAME)}"
    if writes:
        return (
            f"the data folder to write to ({where}); a new release goes in DIR/releases/ and becomes "
            "DIR/current, the one it replaces DIR/previous. Never the installed package"
        )
    return f"the data folder to read ({where}): its current release, or the shipped dataset while it has none"


def add_commands(commands: argparse._SubParsersAction) -> None:
    importer = commands.add_parser(
        "import",
        help="rebuild the dataset from official files, as a new release of the data folder",
        description="Read and check every FILE (an OHSS workbook, CBP CSVs; a SHA256SUMS among them checks the "
        "inputs it lists, notes such as README.md are skipped), then write them, with the sources not given "
        "copied from the current release, as a new current release of the data folder.",
    )
    importer.add_argument("files", nargs="+", type=Path, metavar="FILE")
    importer.add_argument("--data-dir", type=Path, default=None, metavar="DIR", help=data_dir_help(writes=True))
    importer.set_defaults(handler=run_import)

    updater = commands.add_parser(
        "update",
        help="download the latest official files and make them the current release",
        description="Find each source's file on its publisher's page, download, check and import it, and write "
        "a new current release of the data folder; --rollback makes the previous release current again.",
    )
    updater.add_argument(
        "--source",
        action="append",
        choices=list(SOURCES),
        dest="sources",
        help="only this source (repeatable; default: the sources the dataset has)",
    )
    updater.add_argument(
        "--rollback",
        action="store_true",
        help="make the previous release current again (and the current one previous, so it can be redone)",
    )
    updater.add_argument(
        "--timeout",
        type=float,
        default=UPDATE_TIMEOUT_SECONDS,
        help=f"seconds the whole download may take, every page and file (default {UPDATE_TIMEOUT_SECONDS:g})",
    )
    updater.add_argument(
        "--force",
        action="store_true",
        help="take the new files even if they cover less than the release in place (fewer months or rows, "
        "or an earlier last month)",
    )
    updater.add_argument(
        "--page",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="read a source's page from another address (a mirror)",
    )
    updater.add_argument("--data-dir", type=Path, default=None, metavar="DIR", help=data_dir_help(writes=True))
    updater.set_defaults(handler=run_update)

    summary = commands.add_parser("summary", help="the story's numbers for a selection")
    summary.add_argument("--nationality", action="append", metavar="NAME")
    summary.add_argument(
        "--region", default=analysis.DEFAULT_REGION, help="a region, a word of one (northern, sw), or all"
    )
    summary.add_argument("--component", help="for CBP's files: usbp (Border Patrol) or ofo (Field Operations)")
    summary.add_argument("--from", dest="start", default=analysis.DEFAULT_START, metavar="YYYY-MM")
    summary.add_argument("--to", dest="end", default=analysis.DEFAULT_END, metavar="YYYY-MM")
    summary.add_argument("--basis", default="calendar", help="calendar or fiscal (October to September)")
    summary.add_argument("--rise", metavar="YEAR:YEAR")
    summary.add_argument(
        "--source", default=DEFAULT_SOURCE, help=f"one of {', '.join(SOURCES)} (or usbp, cbp); default {DEFAULT_SOURCE}"
    )
    summary.add_argument("--data-dir", type=Path, default=None, metavar="DIR", help=data_dir_help(writes=False))
    summary.add_argument("--json", action="store_true", help="print one JSON object")
    summary.set_defaults(handler=run_summary)


def split_inputs(files: list[Path]) -> tuple[list[Path], list[Path], list[Path]]:
    """Data files, checksum lists (SHA256SUMS) and notes (README.md), so that `import data/official/*`
    reads the folder as it ships."""
    from border_dashboard.data.importers import CHECKSUMS_FILE, NOTES_SUFFIXES

    sums = [f for f in files if f.name == CHECKSUMS_FILE]
    notes = [f for f in files if f.suffix.lower() in NOTES_SUFFIXES]
    return [f for f in files if f not in sums and f not in notes], sums, notes


def verify_checksums(imported: list, sums: list[Path]) -> int:
    """Every input a checksum list names must have its listed sha256. Returns how many were checked."""
    from border_dashboard.data.importers import read_checksums

    checked = 0
    for sums_file in sums:
        listed = read_checksums(sums_file)
        for source in imported:
            digest = listed.get(source.file.name)
            if digest is None:
                continue
            if digest != source.sha256:
                raise DataImportError(
                    str(source.file), f"sha256 {source.sha256[:12]}... differs from {digest[:12]}... in {sums_file}"
                )
            checked += 1
    return checked


def run_import(args: argparse.Namespace) -> int:
    """Read and validate every file first; write only when all of them are good."""
    from border_dashboard.data.importers import read_source_file

    files, sums, notes = split_inputs(args.files)
    try:
        if not files:
            raise DataImportError(str(args.files[0]), "no data file among the files given")
        imported = [read_source_file(path) for path in files]
        checked = verify_checksums(imported, sums)
    except DataImportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for note in notes:
        print(f"{note.name}: notes, not data; skipped")
    if sums:
        print(f"{checked} of {len(imported)} files checked against {', '.join(str(s) for s in sums)}")
    names = [source.name for source in imported]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        print(f"error: several files of source {repeated[0]}; import one at a time", file=sys.stderr)
        return 1
    try:
        release = store.save(imported, args.data_dir)
    except store.StoreError as error:
        print(f"error: {error}; the dataset in place is unchanged", file=sys.stderr)
        return 1
    for source in imported:
        annual = source.table[E.period] == FISCAL_YEAR
        months = source.table.loc[~annual, E.month]
        rows = f"{(~annual).sum():,} rows"
        if annual.any():
            rows += f" and {annual.sum():,} published fiscal-year rows"
        print(
            f"{source.name}: {rows}, {months.min():%Y-%m} to {months.max():%Y-%m} "
            f"from {source.file.name} -> {release / source.name}{store.TABLE}"
        )
    print(f"current release: {release}")
    return 0


def run_update(args: argparse.Namespace) -> int:
    from border_dashboard.data import update

    try:
        if args.rollback:
            current, previous = store.rollback(args.data_dir)
            lines = [f"current release: {current}"]
            if previous is not None:
                lines.append(f"previous release: {previous} (roll back again to redo)")
        else:
            sources = dict(SOURCES)
            for item in args.page:
                name, _, url = item.partition("=")
                if name not in sources or not url:
                    raise update.UpdateError(f"--page {item!r}: write NAME=URL with NAME one of {list(sources)}")
                sources[name] = dataclasses.replace(sources[name], page=url)
            if not args.timeout > 0:
                raise update.UpdateError(f"--timeout {args.timeout:g}: give a number of seconds above 0")
            lines = update.update(args.data_dir, args.sources, sources=sources, timeout=args.timeout, force=args.force)
    except (update.UpdateError, store.StoreError) as error:
        print(f"error: {error}; the dataset in place is unchanged", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - what a publisher sends must never end in a traceback
        detail = update.shown(error, 200) or "no detail"
        print(f"error: {type(error).__name__}: {detail}; the dataset in place is unchanged", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


BASIS_WORDS = {"cy": "calendar", "fy": "fiscal", "fiscal year": "fiscal", "calendar year": "calendar"}


def _nationalities(names: list[str] | None, dataset: store.Dataset, table, notes: list[str]) -> tuple[str, ...]:
    """Typed names resolved like the page does: any case, official spelling, an alias. A nationality the
    source does not break out but counts in its 'Other' group is answered with that group, saying so."""
    present = analysis.choices(table, E.nationality)
    chosen = []
    for name in names or list(analysis.DEFAULT_NATIONALITIES):
        try:
            chosen.append(analysis.resolve_nationality(name, present))
            continue
        except analysis.UnknownNameError:
            # only now are the other sources read: a name this source lacks may be one it counts as 'Other'
            known = sorted({n for s in dataset.tables for n in analysis.choices(dataset.served(s), E.nationality)})
            resolved = analysis.resolve_nationality(name, known)  # raises, with the closest names, if no source has it
        group = analysis.counted_as(table, (resolved,)).get(resolved)
        if group is None:
            raise analysis.UnknownNameError(f"{resolved} is not counted in this source, not even in a group")
        notes.append(f"{resolved} is counted in '{group}' in this source: the numbers are the whole group's.")
        chosen.append(group)
    return tuple(dict.fromkeys(chosen))


def selection_from_args(
    args: argparse.Namespace, dataset: store.Dataset, table, notes: list[str]
) -> analysis.Selection:
    """Resolve every typed value (any case, display name, official spelling, common abbreviations)
    against the source; an unknown one raises a ValueError naming the closest values."""
    basis = BASIS_WORDS.get(args.basis.strip().lower(), args.basis)
    basis = analysis.resolve(basis, list(analysis.BASES), "year basis")
    region = analysis.resolve(args.region, analysis.choices(table, E.region), "region")
    filters = ()
    if args.component:
        components = analysis.choices(table, E.component)
        filters = ((E.component, analysis.resolve(args.component, components, "component")),)
    months = []
    for option, text in (("--from", args.start), ("--to", args.end)):
        try:
            months.append(f"{analysis.parse_month(text):%Y-%m}")
        except ValueError:
            raise ValueError(f"{option} {text!r} is not a month written YYYY-MM") from None
    if months[0] > months[1]:
        raise ValueError(f"--from {months[0]} is after --to {months[1]}")
    return analysis.Selection(
        nationalities=_nationalities(args.nationality, dataset, table, notes),
        region=region,
        start=months[0],
        end=months[1],
        basis=basis,
        filters=filters,
    )


def _rise_years(text: str | None, years: dict[int, int], basis: str) -> tuple[int, int] | None:
    """--rise as asked, refused in one line when it is not two different years inside the window."""
    if text is None:
        return None
    try:
        first, second = analysis.year_pair(text)
    except ValueError:
        raise ValueError(f"--rise {text!r} is not written YEAR:YEAR") from None
    outside = [y for y in (first, second) if y not in years]
    if outside:
        inside = ", ".join(analysis.year_label(y, basis) for y in years)
        raise ValueError(f"--rise {text}: {outside[0]} is outside the window, whose years are {inside}")
    if first == second:
        raise ValueError(f"--rise {text}: comparing a year with itself says nothing")
    return first, second


def run_summary(args: argparse.Namespace) -> int:
    notes: list[str] = []
    try:
        dataset = store.load(args.data_dir, lazy=True)  # only the source asked about is read
        source = resolve_source(args.source, dataset.sources)
        table = dataset.served(source)
        selection = selection_from_args(args, dataset, table, notes)
        first, last = analysis.coverage(table)
        if analysis.window_months(table, selection).empty:
            print(
                f"No data in {selection.start} to {selection.end}: {SOURCES[source].title} covers "
                f"{first:%Y-%m} to {last:%Y-%m}.",
                file=sys.stderr,
            )
            return 1
        years = analysis.window_years(table, selection)
        rise_years = _rise_years(args.rise, years, selection.basis)
        result = analysis.summary(table, selection, rise_years, rounded_to=SOURCES[source].rounded_to)
    except (ValueError, FileNotFoundError, store.StoreError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    record = dataset.provenance[source]
    result = {
        "selection": result["selection"],
        "source": {
            "name": source,
            "title": record["title"],
            "publisher": record["publisher"],
            "counts": SOURCES[source].people,
            "release": record["release"],
            "first_month": record["first_month"],
            "data_through": record["data_through"],
            "rounding": record["rounding"],
        },
        "dataset": {"release": dataset.release, "location": str(dataset.location)},
        "notes": notes,
        **{key: value for key, value in result.items() if key != "selection"},
    }
    print(json.dumps(result) if args.json else format_summary(result))
    return 0


def format_summary(result: dict) -> str:
    """The summary as a short readable table."""
    chosen, source = result["selection"], result["source"]
    first, through = max(chosen["from"], source["first_month"]), min(chosen["to"], source["data_through"])
    window = f"{first} to {through}"
    if (first, through) != (chosen["from"], chosen["to"]):
        window += f" (the months with data of the window {chosen['from']} to {chosen['to']})"
    counted = chosen.get(E.component) or source["counts"]
    years = "calendar years" if chosen["basis"] == "calendar" else "fiscal years (October to September)"
    lines = [
        f"{', '.join(chosen['nationalities'])} - {chosen['region']} - {window}",
        f"{counted} encounters, {years}.",
        f"{source['publisher']}, {source['title']}, {source['release']}. {source['rounding']}".strip(),
        *result.get("notes", []),
        "",
        f"{'year' if chosen['basis'] == 'calendar' else 'fiscal year':<12}{'encounters':>12}{'months':>8}",
    ]
    published = any(row["kind"] == "published" for row in result["yearly"])
    if published:  # say which totals are the publisher's own annual figures
        lines[-1] += "  total"
    for row in result["yearly"]:
        label = analysis.year_label(row["year"], chosen["basis"])
        kind = ("  published" if row["kind"] == "published" else "  sum of months") if published else ""
        lines.append(f"{label:<12}{row['encounters']:>12,}{row['months']:>8}{kind}")
    if result["rise"] and result["rise"]["ratio"] is not None:
        rise = result["rise"]
        first, last = analysis.ratio_range(rise["low"], rise["high"])
        spread = f" ({first} to {last} under rounding)" if first != last else ""
        years = " -> ".join(analysis.year_label(y, chosen["basis"]) for y in (rise["from"], rise["to"]))
        heading = analysis.change_title([rise["ratio"]]).lower()  # as the page heads it: a fall is no rise
        lines.append(f"\n{heading} {years}: {rise['words']}{spread}")
    if result["peak"]:
        lines.append(f"peak: {result['peak']['month']} with {result['peak']['encounters']:,}")
    lines.append(f"\ndataset: {result['dataset']['location']} ({result['dataset']['release']})")
    return "\n".join(lines)
