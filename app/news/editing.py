"""Who has an article open in the editor: a warning, not a lock (NukeViet locks)."""

from __future__ import annotations

import json
import time

import redis

from app.extensions import redis_store
from app.redis_keys import names

PRESENCE_SECONDS = 90  # an editor page pings every 30 s


def _key(article_id: int) -> str:
    return names().editing(article_id)


def mark_editing(article_id: int, user) -> list[str]:
    """Note that `user` has the article open; return the names of the others who do."""
    now = time.time()
    try:
        client = redis_store.client
        pipe = client.pipeline(transaction=False)
        pipe.hset(_key(article_id), str(user.id),
                  json.dumps({"name": user.display_name, "at": now}))  # fmt: skip
        pipe.expire(_key(article_id), PRESENCE_SECONDS)
        pipe.hgetall(_key(article_id))
        _, _, everyone = pipe.execute()
    except (redis.RedisError, OSError):
        return []  # the warning is a courtesy; never block editing on it
    others = []
    for user_id, raw in everyone.items():
        entry = json.loads(raw)
        if user_id != str(user.id) and now - entry["at"] < PRESENCE_SECONDS:
            others.append(entry["name"])
    return sorted(others)


def stop_editing(article_id: int, user) -> None:
    try:
        redis_store.client.hdel(_key(article_id), str(user.id))
    except (redis.RedisError, OSError):
        pass
