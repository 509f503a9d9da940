"""The rooms on Redis, for several app replicas: each write is one Lua script, so its
checks (open, rate, voters, rooms) and its write are atomic across every replica.

Keys, under ``PREFIX``: ``room:CODE`` (a hash: question, owner, created, closed),
``answers:CODE`` (a hash: voter to answer), ``open`` (a sorted set: code by creation
time) and ``rate:VOTER`` (a sorted set of answer times). Times are the store's clock,
passed to each script, so a test's clock ages rooms; Redis's own expiry (``KEEP_S``) only
purges what is long finished.
"""

from __future__ import annotations

import json
import math
import secrets
import time
from collections.abc import Mapping
from typing import Any

import redis

from optiviz.rooms import (
    FULL,
    KEEP_S,
    LIFE_S,
    MAX_OPEN,
    MAX_VOTERS,
    NO_ROOM,
    NOT_OWNER,
    RATE,
    RATE_WINDOW_S,
    TOO_FAST,
    TOO_MANY_ROOMS,
    Clock,
    RoomError,
    checked_answer,
    checked_question,
    checked_voter,
    new_code,
    normal_code,
    same_owner,
)

PREFIX = "optiviz:rooms:"
POOL = 32
"""Connections per store: a session waits (up to 10 s) for a free one rather than fail."""

CREATE = """
local open, room = KEYS[1], KEYS[2]
local now, life = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', open, '-inf', now - life)
if redis.call('ZCARD', open) >= tonumber(ARGV[3]) then return -1 end
if redis.call('EXISTS', room) == 1 then return 0 end
redis.call('HSET', room, 'question', ARGV[4], 'owner', ARGV[5], 'created', ARGV[1], 'closed', '0')
redis.call('EXPIRE', room, ARGV[6])
redis.call('ZADD', open, now, ARGV[7])
return 1
"""
"""-1: too many open rooms; 0: the code is taken (draw another); 1: created."""

ANSWER = """
local room, answers, rate = KEYS[1], KEYS[2], KEYS[3]
local now = tonumber(ARGV[1])
local r = redis.call('HMGET', room, 'created', 'closed')
if not r[1] or r[2] == '1' or now - tonumber(r[1]) >= tonumber(ARGV[2]) then return -1 end
redis.call('ZREMRANGEBYSCORE', rate, '-inf', now - tonumber(ARGV[5]))
if redis.call('ZCARD', rate) >= tonumber(ARGV[4]) then return -2 end
if redis.call('HEXISTS', answers, ARGV[6]) == 0 and
   redis.call('HLEN', answers) >= tonumber(ARGV[3]) then return -3 end
redis.call('HSET', answers, ARGV[6], ARGV[7])
redis.call('EXPIRE', answers, ARGV[8])
redis.call('ZADD', rate, now, ARGV[9])
redis.call('EXPIRE', rate, ARGV[10])
return 1
"""
"""-1: no open room; -2: too fast; -3: full; 1: stored."""

CLOSE = """
local owner = redis.call('HGET', KEYS[1], 'owner')
if not owner then return -1 end
if owner ~= ARGV[1] then return -2 end
redis.call('HSET', KEYS[1], 'closed', '1')
redis.call('ZREM', KEYS[2], ARGV[2])
return 1
"""
"""-1: no such room; -2: not its owner; 1: closed."""


class RedisStore:
    """Rooms in the Redis database at ``url`` (``redis://host:port/db``)."""

    def __init__(self, url: str, clock: Clock = time.time) -> None:
        self.clock = clock
        pool = redis.BlockingConnectionPool.from_url(
            url, max_connections=POOL, timeout=10, decode_responses=True, socket_timeout=10
        )
        self.db = redis.Redis(connection_pool=pool)
        self._create = self.db.register_script(CREATE)
        self._answer = self.db.register_script(ANSWER)
        self._close = self.db.register_script(CLOSE)
        self._questions: dict[str, dict[str, Any]] = {}

    def create(self, question: Mapping[str, Any], owner: str | None = None) -> str:
        """Open a room for ``question``; its code. ``owner`` alone may close it."""
        q = json.dumps(checked_question(question))
        while True:
            code = new_code()
            args = [repr(self.clock()), LIFE_S, MAX_OPEN, q, json.dumps(owner), int(KEEP_S), code]
            done = self._create(keys=[PREFIX + "open", PREFIX + "room:" + code], args=args)
            if done == -1:
                raise RoomError(TOO_MANY_ROOMS)
            if done == 1:
                return code

    def question(self, code: str) -> dict[str, Any]:
        """The room's question (open or closed); RoomError for an unknown code."""
        code = normal_code(code)
        if code not in self._questions:
            text = self.db.hget(PREFIX + "room:" + code, "question")
            if text is None:
                raise RoomError(NO_ROOM)
            self._questions[code] = json.loads(text)
        return dict(self._questions[code])

    def is_open(self, code: str) -> bool:
        """Whether the room takes answers now."""
        try:
            code = normal_code(code)
        except RoomError:
            return False
        created, closed = self.db.hmget(PREFIX + "room:" + code, ["created", "closed"])
        return created is not None and closed == "0" and self.clock() - float(created) < LIFE_S

    def answer(self, code: str, voter: str, answer: Mapping[str, Any]) -> None:
        """Store ``voter``'s answer (replacing theirs) if the room is open, not full and
        the voter is within the rate limit."""
        code, voter = normal_code(code), checked_voter(voter)
        value = json.dumps(checked_answer(self.question(code), answer))
        keys = [PREFIX + "room:" + code, PREFIX + "answers:" + code, PREFIX + "rate:" + voter]
        now = repr(self.clock())
        args = [now, LIFE_S, MAX_VOTERS, RATE, RATE_WINDOW_S, voter, value, int(KEEP_S)]
        args += [f"{now}:{secrets.token_hex(4)}", math.ceil(RATE_WINDOW_S) + 1]
        done = self._answer(keys=keys, args=args)
        if done != 1:
            raise RoomError({-1: NO_ROOM, -2: TOO_FAST, -3: FULL}[done])

    def answers(self, code: str) -> list[dict[str, Any]]:
        """One dict per voter, in voter order: ``"voter"`` and the answer's fields."""
        code = normal_code(code)
        with self.db.pipeline(transaction=True) as pipe:
            pipe.exists(PREFIX + "room:" + code)
            pipe.hgetall(PREFIX + "answers:" + code)
            exists, rows = pipe.execute()
        if not exists:
            raise RoomError(NO_ROOM)
        return [{"voter": v, **json.loads(rows[v])} for v in sorted(rows)]

    def owns(self, code: str, owner: str) -> bool:
        """Whether ``owner`` (a non-empty secret) is the one who created the room."""
        try:
            code = normal_code(code)
        except RoomError:
            return False
        stored = self.db.hget(PREFIX + "room:" + code, "owner")
        return stored is not None and same_owner(json.loads(stored), owner)

    def close(self, code: str, owner: str | None = None) -> None:
        """Stop taking answers; only the room's owner may (RoomError otherwise)."""
        code = normal_code(code)
        done = self._close(
            keys=[PREFIX + "room:" + code, PREFIX + "open"], args=[json.dumps(owner), code]
        )
        if done != 1:
            raise RoomError({-1: NO_ROOM, -2: NOT_OWNER}[done])
