"""``passsport-club hub --home DIR``: the forum's main desk without a window.

For a club that keeps a small always-on computer at the club house: it serves the forum,
prints its addresses and a pairing code (a new one each time one is used or expires), and
stops on Ctrl+C. The club's name, SIRET and RNA are given once and kept in DIR.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from app.club import check_rna, check_siret
from app.seasons import load_seasons
from sync.forum import Hub, local_addresses
from sync.pairing import format_code

CLUB_FILE = "club.json"


def _club(folder: Path, args: argparse.Namespace) -> dict[str, str] | str:
    """The club of this main desk, or what is wrong, in French."""
    saved = folder / CLUB_FILE
    if args.club_name is None and saved.exists():
        try:
            club = json.loads(saved.read_text(encoding="utf-8"))
            return {key: str(club[key]) for key in ("name", "siret", "rna")}
        except (OSError, ValueError, KeyError, TypeError):
            return f"Le fichier {saved} est illisible : donnez --club-name, --siret et --rna."
    if not (args.club_name and args.siret and args.rna):
        return "Première ouverture : donnez le nom du club, son SIRET et son RNA (--club-name, --siret, --rna)."
    siret, siret_error = check_siret(args.siret)
    rna, rna_error = check_rna(args.rna)
    if siret_error or rna_error:
        return "Le SIRET ou le numéro RNA n'est pas valide."
    club = {"name": " ".join(args.club_name.split())[:120], "siret": siret, "rna": rna}
    folder.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(club, ensure_ascii=False), encoding="utf-8")
    return club


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="passsport-club hub", description=__doc__)
    parser.add_argument("--home", type=Path, required=True, help="the main desk's folder")
    parser.add_argument("--club-name")
    parser.add_argument("--siret")
    parser.add_argument("--rna")
    parser.add_argument("--port", type=int, help="the port to serve on (47820 when free)")
    parser.add_argument("--host", default="0.0.0.0", help="the address to listen on")
    parser.add_argument("--opened-by", default="poste du club", help="shown to joining desks")
    args = parser.parse_args(argv)
    folder = args.home / "forum"
    club = _club(folder, args)
    if isinstance(club, str):
        print(club, file=sys.stderr)
        return 2
    stop = threading.Event()
    for name in ("SIGINT", "SIGTERM", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: stop.set())
    try:
        hub = Hub(
            folder, club, load_seasons(), opened_by=args.opened_by, host=args.host, port=args.port
        )
    except OSError as error:
        print(
            f"Le poste principal ne peut pas s'ouvrir : {error.strerror or error}", file=sys.stderr
        )
        return 1
    with hub:
        print(f"Poste principal du forum : {club['name']}", flush=True)
        hosts = local_addresses() if args.host in ("0.0.0.0", "::") else [args.host]
        for host in hosts:
            print(f"Adresse : {host}:{hub.port}", flush=True)
        print(f"Empreinte du certificat : {hub.fingerprint[:16]}", flush=True)
        print("Sans compte national ici : les inscriptions restent au poste principal.", flush=True)
        shown = None
        while not stop.is_set():
            if hub.pairing.shown is None or hub.pairing.shown is not shown:
                shown = hub.new_code()
                expires = shown.expires_at.astimezone().strftime("%H:%M")
                print(
                    f"Code d'appairage : {format_code(shown.code)} (jusqu'à {expires})", flush=True
                )
            stop.wait(1)  # in slices: Windows delivers the signal between them
        print("Poste principal fermé.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
