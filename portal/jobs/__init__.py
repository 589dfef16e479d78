"""Background jobs (bulk workbook import) on an in-process worker or a Redis queue — one code path.

``queue`` picks where Huey keeps the queue (embedded SQLite file, Redis, or immediate for tests),
``runner`` runs one job in one transaction with a heartbeat, ``handlers`` says what each kind does.
"""

from .queue import JobQueue, get_queue

__all__ = ["JobQueue", "get_queue"]
