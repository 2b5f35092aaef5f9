-- Used by bench/pageviews.py for the realistic mix: requests read from a file (one per line,
-- "path<TAB>cookie", the cookie empty for a new visitor), sent in turn by each connection.
-- Reporting (sent counts, percentiles) is wrk_report.lua's.
dofile("bench/wrk_report.lua")

local lines = {}

function init(args)
  sent = 0
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^([^\t]*)\t?(.*)$")
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end  -- -H (User-Agent)
    if cookie ~= "" then headers["Cookie"] = "vid=" .. cookie end
    table.insert(lines, wrk.format("GET", path, headers))
  end
  -- Each thread starts at its own place in the list, so threads do not send in step.
  position = (wrk.thread and math.random(#lines)) or 1
end

function request()
  sent = sent + 1
  position = position % #lines + 1
  return lines[position]
end
