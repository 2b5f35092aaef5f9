"""Lua scripts: each page view, read, publish and flush step is one atomic round trip.

Every script takes the key prefix as ARGV[1] and builds its key names from it, spelled
`@name@` for the suffixes of app/redis_keys.py.

Keys and memory: Redis runs with a `maxmemory` and a `volatile-*` eviction policy, which
evicts only keys that have a TTL. So every per-visitor key has one (visit:, seen:, hlink:,
and the hits: replay buckets) and is safe to lose under memory pressure (at worst a returning
visitor counts again), while no counter key ever gets one (total, init, day:/hour:, uv:,
uvh:, uvp:, ua:/bots:/ref:/geo:, pending:/flushing:/live:, content:version, online, where,
reading, pub:*): those must never be evicted.
(A past day's day:/hour:/uv:/uvh: keys and its ua:/bots:/ref:/geo: hashes get a TTL from the
checkpoint once SQL holds them, as do a past month's or year's uvp: and uvp:since: keys;
pv10: keys, ten seconds of page views for the staff's live panel, always have one; `where`
has none but holds only members of the online set: the refresh (and the live panel's read)
that trims `online` trims it too, and `reading`, `where` counted by item, with it.)

The reports cost the page view no round trip: the same RECORD_HIT call keeps the raw
user agent, referrer host and country of each new visit, the user agent of each bot page
view (hashes per local day, at most UA_FIELDS distinct user agents or DAY_FIELDS distinct
referrer hosts or countries each, the rest under "" = "Khác"), unique visitors per local
hour, and "who reads what"; the reports job (app/stats/derive.py) classifies them into SQL
later. Unique visitors per month and year cost the page view nothing: the checkpoint merges
each day's HyperLogLog into them.
"""

from app.redis_keys import lua

# Distinct fields a per-day ref:/geo: hash keeps: a flood of made-up referrers must not grow
# it without bound (past it, new values count under "" = "Khác").
DAY_FIELDS = 5000
# The same for ua:/bots:, keyed by the raw user agent: real ones carry device models, builds
# and in-app browser versions, so a busy day of ordinary traffic has thousands (~4 MB a hash
# at the cap; it expires 3 days after its day).
UA_FIELDS = 20000

# Shared by RECORD_HIT, SNAPSHOT and the live panel's read (app/stats/live_panel.py).
READING = r"""
-- Readers per item ("đang đọc"): `reading` (sorted set "kind:id" -> online visitors whose
-- `where` is that item) changes only together with `where`, in the same script call, so it
-- is always `where` counted by value and the live panel reads it in O(log n).
local function unread(p, item)
  local key = p .. '@reading@'
  if tonumber(redis.call('ZINCRBY', key, -1, item)) <= 0 then redis.call('ZREM', key, item) end
end

-- Visitor `vid` now reads `item` ('' for a page without one): `where` and `reading`.
local function now_reading(p, vid, item)
  local where = p .. '@where@'
  local old = redis.call('HGET', where, vid) or ''
  if old == item then return end
  if old ~= '' then unread(p, old) end
  if item ~= '' then
    redis.call('ZINCRBY', p .. '@reading@', 1, item)
    redis.call('HSET', where, vid, item)
  else
    redis.call('HDEL', where, vid)
  end
end

-- Visitors whose last page view is at or before `cutoff` (ms) leave the online set, `where`
-- and the counts of `reading`. O(visitors leaving), in chunks: unpack() of a long list
-- would overflow Lua's C stack.
local function forget_gone(p, cutoff)
  local gone = redis.call('ZRANGEBYSCORE', p .. '@online@', '-inf', cutoff)
  for i = 1, #gone, 1000 do
    local chunk = {unpack(gone, i, math.min(i + 999, #gone))}
    local items = redis.call('HMGET', p .. '@where@', unpack(chunk))
    for _, item in ipairs(items) do
      if item and item ~= '' then unread(p, item) end
    end
    redis.call('HDEL', p .. '@where@', unpack(chunk))
  end
  redis.call('ZREMRANGEBYSCORE', p .. '@online@', '-inf', cutoff)
end
"""

# Shared by the scripts below: current numbers, and the throttled publish.
_COMMON = (
    READING
    + r"""
-- Counting the window is O(log n); the periodic refresh trims what fell out of it.
local function snapshot(p, now, window, offset, day)
  return {
    redis.call('ZCOUNT', p .. '@online@', '(' .. (now - window), '+inf'),
    tonumber(redis.call('HGET', p .. '@day@' .. day, 'visits') or '0'),
    tonumber(redis.call('GET', p .. '@total@') or '0') + offset,
    redis.call('ZCOUNT', p .. '@online_bots@', '(' .. (now - window), '+inf'),
  }
end

-- Live item counters ("document:12" -> views shown on pages) for a comma-separated watch
-- list: returns item/value pairs, and the items Redis does not know yet. One HMGET per kind
-- (a page watches a few kinds: the sidebar's documents and downloads, its own item).
local function live_items(p, watch)
  local kinds, order = {}, {}
  for item in string.gmatch(watch, '[^,]+') do
    local kind, id = string.match(item, '^([^:]+):(.+)$')
    if kind then
      local group = kinds[kind]
      if not group then
        group = {ids = {}, items = {}}
        kinds[kind] = group
        table.insert(order, kind)
      end
      table.insert(group.ids, id)
      table.insert(group.items, item)
    end
  end
  local pairs, missing = {}, {}
  for _, kind in ipairs(order) do
    local group = kinds[kind]
    local values = redis.call('HMGET', p .. '@live@' .. kind, unpack(group.ids))
    for i, item in ipairs(group.items) do
      if values[i] then
        table.insert(pairs, item)
        table.insert(pairs, values[i])
      else
        table.insert(missing, item)
      end
    end
  end
  return pairs, missing
end

-- Adds 1 to `field` of a per-day breakdown hash, unless the hash holds `cap` fields and does
-- not know this one yet: then to "" ("Khác").
local function count_in(key, field, cap)
  if redis.call('HLEN', key) >= cap and redis.call('HEXISTS', key, field) == 0 then
    field = ''
  end
  redis.call('HINCRBY', key, field, 1)
end

-- The host of a URL (scheme://userinfo@host:port/...) or of a Host header (is_url false):
-- lower case, without userinfo, port or a final dot; '' when there is none.
local function host_of(value, is_url)
  if is_url then
    value = string.match(value, '^%a[%w+.-]*://([^/?#]*)') or ''
    value = string.match(value, '([^@]*)$')
  end
  if string.sub(value, 1, 1) == '[' then
    value = string.match(value, '^(%[[^%]]*%])') or ''
  else
    value = string.match(value, '^([^:]*)')
  end
  value = string.lower(value)
  if string.sub(value, -1) == '.' then value = string.sub(value, 1, -2) end
  return value
end

local function items_json(pairs)
  local parts = {}
  for i = 1, #pairs, 2 do
    table.insert(parts, '"' .. pairs[i] .. '":' .. pairs[i + 1])
  end
  return '{' .. table.concat(parts, ',') .. '}'
end

-- Leading and trailing throttle: publish now if the last message is at least `interval`
-- old, else leave a 'trail' mark (due time) for whoever calls 'trail' then.
-- Returns 1 published, 0 unchanged or already marked, or the due time (ms) of a new mark.
-- A change is new headline numbers or a new value of an item in this call's list; items
-- another page watched (an article's own counter) are compared by value, never by which
-- list they came in, so a refresh with a shorter list does not publish the same numbers.
local function publish(p, now, interval, snap, updated, pairs)
  local state = table.concat(snap, ',')
  local changed = redis.call('GET', p .. '@pub_state@') ~= state
  if not changed and #pairs > 0 then
    local names = {}
    for i = 1, #pairs, 2 do table.insert(names, pairs[i]) end
    local known = redis.call('HMGET', p .. '@pub_items@', unpack(names))
    for i = 1, #names do
      if known[i] ~= pairs[2 * i] then
        changed = true
        break
      end
    end
  end
  -- Live values set outside a page view (a vote's new totals: SET_LIVE) ride on the next
  -- message, whoever sends it.
  local waiting = redis.call('EXISTS', p .. '@pub_extra@') == 1
  if not (changed or waiting) then return 0 end
  local last = tonumber(redis.call('GET', p .. '@pub_last@') or '0')
  if now - last >= interval then
    if waiting then
      local known, merged = {}, {}
      for i = 1, #pairs do
        merged[i] = pairs[i]
        if i % 2 == 1 then known[pairs[i]] = true end
      end
      local extra = redis.call('HGETALL', p .. '@pub_extra@')
      for i = 1, #extra, 2 do
        if not known[extra[i]] then
          table.insert(merged, extra[i])
          table.insert(merged, extra[i + 1])
        end
      end
      redis.call('DEL', p .. '@pub_extra@')
      pairs = merged
    end
    local extra = ''
    if #pairs > 0 then extra = ',"items":' .. items_json(pairs) end
    local payload = '{"online":' .. snap[1] .. ',"today":' .. snap[2] .. ',"total":' .. snap[3]
      .. ',"bots_online":' .. snap[4] .. ',"updated":"' .. updated .. '"' .. extra .. '}'
    redis.call('SET', p .. '@pub_last@', now)
    redis.call('SET', p .. '@pub_state@', state)
    if #pairs > 0 then
      -- Values of every item any page watched: bounded by a reset (costs one extra
      -- message), not by a TTL that would make the key evictable.
      local seen = p .. '@pub_items@'
      if redis.call('HLEN', seen) > 5000 then redis.call('DEL', seen) end
      redis.call('HSET', seen, unpack(pairs))
    end
    redis.call('DEL', p .. '@pub_trail@')
    redis.call('PUBLISH', p .. '@channel@', payload)
    return 1
  end
  local due = last + interval
  -- A mark nobody served (its process died, no tick ran since) is replaced, not waited on.
  local mark = tonumber(redis.call('GET', p .. '@pub_trail@') or '0')
  if mark == 0 or mark + 5000 < now then
    redis.call('SET', p .. '@pub_trail@', due)
    return due
  end
  return 0
end
"""
)

# ARGV: prefix, cookie id, fallback id, now ms, day, hour key, visit timeout s,
#       online window ms, is bot, item ("kind:id" or ""), updated ISO, cookie is new,
#       publish interval ms, total offset, watch list ("kind:id,kind:id"), is page view,
#       hit id, the item's SQL count ("" when unknown),
#       user agent (<= 512 chars), raw Referer header (<= 512), the request's Host header,
#       country code ("" without GeoIP) (these four may be left out: "")
# Returns {online, today, total, bots_online, item pending, published, new visit,
# {live item, value, ...}, {live items Redis lacks}, item being flushed, its flush batch id,
# content version (for the page cache)},
# or {-1} when the counters were never initialised (Redis emptied): restore, then retry.
# A download is an item view that is no page view (is page view = "0").
# Visits are cut by the hit's own time, not by Redis' clock, so hits replayed after an
# outage keep their boundaries; key TTLs only collect garbage. A hit id seen before (a
# replay of a hit whose first try timed out but ran) counts nothing.
# For the reports, a human page view also adds the visitor to the hour's unique visitors
# (uvh:; a month's and a year's, uvp:, are the union of their days' uv:, merged by the
# checkpoint), to the page views of these ten seconds (pv10:) and sets what they
# read now (`where`: the item, or nothing for a page without one); a new visit counts
# its user agent (ua:), referrer host (ref:, unless it is the request's own host) and country
# (geo:); a bot page view counts its user agent (bots:). The day is the hit's local day.
RECORD_HIT = lua(
    _COMMON
    + r"""
local p = ARGV[1]
if redis.call('EXISTS', p .. '@init@') == 0 then return {-1} end
local now, day, vt = tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[7])
local dkey, hkey = p .. '@day@' .. day, p .. '@hour@' .. ARGV[6]
local new_visit = 0
local page = ARGV[16] == '1'
local fresh = true
if ARGV[17] ~= '' then
  local bucket = p .. '@hits@' .. math.floor(now / 60000)
  fresh = redis.call('SADD', bucket, ARGV[17]) == 1
  redis.call('EXPIRE', bucket, 900)
end
if not fresh then
  -- already counted
elseif ARGV[9] == '1' then
  if page then
    redis.call('ZADD', p .. '@online_bots@', now, ARGV[3])
    redis.call('HINCRBY', dkey, 'bot_views', 1)
    redis.call('HINCRBY', hkey, 'bot_views', 1)
    count_in(p .. '@bots@' .. day, ARGV[19] or '', @@UA_FIELDS@@)
  end
else
  -- Visitors are their cookie. A request without one gets a new cookie, unless the last
  -- cookie given to this IP+UA never came back: then it is a client that keeps no cookies
  -- (counted as that first cookie), not a second browser behind the same address.
  local vid = ARGV[3]
  if ARGV[2] ~= '' then
    local link = p .. '@hlink@' .. ARGV[3]
    if ARGV[12] == '1' then
      local linked = redis.call('HMGET', link, 'c', 'ok')
      if linked[1] and linked[2] ~= '1' then
        vid = 'c:' .. linked[1]
      else
        vid = 'c:' .. ARGV[2]
        redis.call('HSET', link, 'c', ARGV[2], 'ok', '0')
      end
      redis.call('EXPIRE', link, vt + 600)
    else
      vid = 'c:' .. ARGV[2]
      if redis.call('HGET', link, 'c') == ARGV[2] then redis.call('HSET', link, 'ok', '1') end
    end
  end
  local vkey, seen = p .. '@visit@' .. vid, p .. '@seen@' .. vid
  if page then
    local last = tonumber(redis.call('GET', vkey) or '-1')
    if last < 0 or now - last >= vt * 1000 then
      new_visit = 1
      redis.call('DEL', seen)
      redis.call('INCR', p .. '@total@')
      redis.call('HINCRBY', dkey, 'visits', 1)
      redis.call('HINCRBY', hkey, 'visits', 1)
      count_in(p .. '@ua@' .. day, ARGV[19] or '', @@UA_FIELDS@@)
      local from = host_of(ARGV[20] or '', true)
      if from ~= '' and from ~= host_of(ARGV[21] or '', false) then
        count_in(p .. '@ref@' .. day, from, @@DAY_FIELDS@@)
      end
      local country = ARGV[22] or ''
      if country ~= '' then count_in(p .. '@geo@' .. day, country, @@DAY_FIELDS@@) end
    end
    redis.call('SET', vkey, math.max(last, now), 'EX', vt + 600)
    redis.call('HINCRBY', dkey, 'views', 1)
    redis.call('HINCRBY', hkey, 'views', 1)
    redis.call('PFADD', p .. '@uv@' .. day, vid)
    redis.call('PFADD', p .. '@uvh@' .. ARGV[6], vid)
    local tens = p .. '@pv10@' .. math.floor(now / 10000)
    if redis.call('INCR', tens) == 1 then redis.call('EXPIRE', tens, 120) end
    redis.call('ZADD', p .. '@online@', now, vid)
    now_reading(p, vid, ARGV[10])
  end
  if ARGV[10] ~= '' then
    local kind, id = string.match(ARGV[10], '^([^:]+):(.+)$')
    if redis.call('SADD', seen, ARGV[10]) == 1 then
      redis.call('HINCRBY', p .. '@pending@' .. kind, id, 1)
      if redis.call('HEXISTS', p .. '@live@' .. kind, id) == 1 then
        redis.call('HINCRBY', p .. '@live@' .. kind, id, 1)
      end
    end
    if page or redis.call('TTL', seen) < 0 then redis.call('EXPIRE', seen, vt + 600) end
  end
end
local pending, flushing, batch = 0, 0, ''
if ARGV[10] ~= '' then
  local kind, id = string.match(ARGV[10], '^([^:]+):(.+)$')
  pending = tonumber(redis.call('HGET', p .. '@pending@' .. kind, id) or '0')
  flushing = tonumber(redis.call('HGET', p .. '@flushing@' .. kind, id) or '0')
  if flushing > 0 then
    batch = redis.call('GET', p .. '@flushing@' .. kind .. '@flush_id@') or ''
  end
  -- The item's live counter starts here, atomically, from its SQL value (ARGV[18]) and
  -- what is buffered; with a flush batch in the air the caller decides instead.
  if ARGV[18] ~= '' and flushing == 0 then
    redis.call('HSETNX', p .. '@live@' .. kind, id, tonumber(ARGV[18]) + pending)
  end
end
local snap = snapshot(p, now, tonumber(ARGV[8]), tonumber(ARGV[14]), day)
local pairs, missing = live_items(p, ARGV[15])
local published = publish(p, now, tonumber(ARGV[13]), snap, ARGV[11], pairs)
return {snap[1], snap[2], snap[3], snap[4], pending, published, new_visit, pairs, missing,
        flushing, batch, redis.call('GET', p .. '@content_version@') or '0'}
""".replace("@@UA_FIELDS@@", str(UA_FIELDS)).replace("@@DAY_FIELDS@@", str(DAY_FIELDS))
)

# ARGV: prefix, now ms, online window ms, total offset, day, updated ISO, interval ms,
#       watch list, mode ("read", "refresh" or "trail")
# Returns {online, today, total, bots_online, published, {live item, value, ...}, {missing}}
# "refresh" publishes if anything changed; "trail" only when a trail mark is due. "refresh"
# also trims the online sets, and forgets what the visitors it trims were reading (`where`).
SNAPSHOT = lua(
    _COMMON
    + r"""
local p = ARGV[1]
if redis.call('EXISTS', p .. '@init@') == 0 then return {-1} end
local now = tonumber(ARGV[2])
local mode = ARGV[9]
if mode == 'refresh' then
  forget_gone(p, now - tonumber(ARGV[3]))
  redis.call('ZREMRANGEBYSCORE', p .. '@online_bots@', '-inf', now - tonumber(ARGV[3]))
end
local snap = snapshot(p, now, tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5])
local pairs, missing = live_items(p, ARGV[8])
local published = 0
if mode == 'refresh' then
  published = publish(p, now, tonumber(ARGV[7]), snap, ARGV[6], pairs)
elseif mode == 'trail' then
  local due = redis.call('GET', p .. '@pub_trail@')
  if due and tonumber(due) <= now then
    redis.call('DEL', p .. '@pub_trail@')
    redis.call('DEL', p .. '@pub_last@')
    published = publish(p, now, tonumber(ARGV[7]), snap, ARGV[6], pairs)
  end
end
return {snap[1], snap[2], snap[3], snap[4], published, pairs, missing}
"""
)

# ARGV: prefix, total, day, visits, views, bot_views, then hour key/visits/views/bot_views
# groups. Restores counters from SQL once, and only into a Redis that lost them.
RESTORE = lua(
    r"""
local p = ARGV[1]
if redis.call('EXISTS', p .. '@init@') == 1 then return 0 end
redis.call('INCRBY', p .. '@total@', ARGV[2])
local dkey = p .. '@day@' .. ARGV[3]
redis.call('HINCRBY', dkey, 'visits', ARGV[4])
redis.call('HINCRBY', dkey, 'views', ARGV[5])
redis.call('HINCRBY', dkey, 'bot_views', ARGV[6])
for i = 7, #ARGV, 4 do
  local hkey = p .. '@hour@' .. ARGV[i]
  redis.call('HINCRBY', hkey, 'visits', ARGV[i + 1])
  redis.call('HINCRBY', hkey, 'views', ARGV[i + 2])
  redis.call('HINCRBY', hkey, 'bot_views', ARGV[i + 3])
end
redis.call('SET', p .. '@init@', '1')
return 1
"""
)

# ARGV: prefix, kind, new batch id. Moves the pending counters of `kind` aside under a batch
# id, unless an earlier batch is still there (a flush that died half-way): then that one.
# Returns {batch id, field, value, field, value, ...} or {} when there is nothing to flush.
TAKE_BATCH = lua(
    r"""
local p, kind = ARGV[1], ARGV[2]
local flushing, idkey = p .. '@flushing@' .. kind, p .. '@flushing@' .. kind .. '@flush_id@'
if redis.call('EXISTS', flushing) == 0 then
  if redis.call('EXISTS', p .. '@pending@' .. kind) == 0 then return {} end
  redis.call('RENAME', p .. '@pending@' .. kind, flushing)
  redis.call('SET', idkey, ARGV[3])
end
local result = {redis.call('GET', idkey)}
for _, v in ipairs(redis.call('HGETALL', flushing)) do table.insert(result, v) end
return result
"""
)

# ARGV: prefix, kind, batch id. Forgets a batch once SQL has it.
DROP_BATCH = lua(
    r"""
local p, kind = ARGV[1], ARGV[2]
local idkey = p .. '@flushing@' .. kind .. '@flush_id@'
if redis.call('GET', idkey) == ARGV[3] then
  redis.call('DEL', p .. '@flushing@' .. kind, idkey)
  return 1
end
return 0
"""
)

# ARGV: prefix, now ms, then the (signed) cookie ids of open live-stats connections. Keeps
# those visitors online without counting a page view; XX: only visitors a page view already
# put in the online set, so a stream never creates an online visitor. Returns how many
# scores moved.
HEARTBEAT = lua(
    r"""
local p, now = ARGV[1], tonumber(ARGV[2])
local kept = 0
for i = 3, #ARGV do
  kept = kept + redis.call('ZADD', p .. '@online@', 'XX', 'CH', now, 'c:' .. ARGV[i])
end
return kept
"""
)

# ARGV: prefix, now ms, online window ms, total offset, day, updated ISO, interval ms,
#       guard item, then item ("kind:id") / value pairs (the guard among them).
# Sets live-only values (app/live_counters.py) after their SQL commit, all or none: only when
# the guard's new value is greater than Redis' (a vote's count), so a late or raced update
# never puts older totals back, and a missed one heals at the next. The values go out with
# the next live message (pub:extra, published now if the throttle allows). Returns
# {1 set / 0 not, published (as `publish`)}; {0, 0} in a Redis that lost its counters (the
# next page view restores them and starts these from SQL).
SET_LIVE = lua(
    _COMMON
    + r"""
local p = ARGV[1]
if redis.call('EXISTS', p .. '@init@') == 0 then return {0, 0} end
local gkind, gid = string.match(ARGV[8], '^([^:]+):(.+)$')
local current = redis.call('HGET', p .. '@live@' .. gkind, gid)
local guard
for i = 9, #ARGV, 2 do
  if ARGV[i] == ARGV[8] then guard = tonumber(ARGV[i + 1]) end
end
if not guard or (current and tonumber(current) >= guard) then return {0, 0} end
for i = 9, #ARGV, 2 do
  local kind, id = string.match(ARGV[i], '^([^:]+):(.+)$')
  redis.call('HSET', p .. '@live@' .. kind, id, ARGV[i + 1])
  redis.call('HSET', p .. '@pub_extra@', ARGV[i], ARGV[i + 1])
end
local now = tonumber(ARGV[2])
local snap = snapshot(p, now, tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5])
return {1, publish(p, now, tonumber(ARGV[7]), snap, ARGV[6], {})}
"""
)

# ARGV: prefix, then item ("kind:id") / SQL count pairs. Starts the live counters Redis
# lacks from SQL plus what is buffered, atomically, so no concurrent hit slips between.
INIT_LIVE = lua(
    r"""
local p = ARGV[1]
local result = {}
for i = 2, #ARGV, 2 do
  local kind, id = string.match(ARGV[i], '^([^:]+):(.+)$')
  local live = p .. '@live@' .. kind
  local value = redis.call('HGET', live, id)
  if not value then
    value = tonumber(ARGV[i + 1])
      + tonumber(redis.call('HGET', p .. '@pending@' .. kind, id) or '0')
      + tonumber(redis.call('HGET', p .. '@flushing@' .. kind, id) or '0')
    redis.call('HSET', live, id, value)
  end
  table.insert(result, ARGV[i])
  table.insert(result, tonumber(value))
end
return result
"""
)
