"""A `podbrief worker` stand-in for the crash test: runs one digest pass at a fixed time, then
waits to be killed (`python -m tests.scenario.digest_crash_worker URL API_URL NOW TOKEN`)."""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bot.app import build_client
from bot.config import Settings
from bot.digest.compose import DigestComposer
from bot.digest.delivery import DigestDeliverer
from storage.db import create_db_engine, session_factory

THREADS = 8


def main(url: str, api_url: str, now: str, token: str) -> None:
    sessions = session_factory(create_db_engine(url))
    client = build_client(Settings(database_url=url, data_dir=Path(tempfile.gettempdir()), slack_bot_token=token,
                                   slack_api_url=api_url))
    deliverer = DigestDeliverer(sessions, lambda _team: client, DigestComposer(sessions), worker_id="doomed",
                                post_interval=0, max_workers=THREADS)
    deliverer.run_due(datetime.fromisoformat(now))
    print("finished before it was killed", flush=True)
    time.sleep(60)


if __name__ == "__main__":
    main(*sys.argv[1:5])
