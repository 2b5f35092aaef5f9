-- Used by bench/pageviews.py. Counts the requests wrk actually sent (so that requests still
-- in flight when the duration ends can be told apart from lost ones) and prints one JSON
-- line with exact counts and latency percentiles (microseconds).
--
-- wrk calls request() once more than it sends: in thread 1, before the run, to verify the
-- script (script_verify_request in wrk.c). done() subtracts that call.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  req = wrk.format()
end

function request()
  sent = sent + 1
  return req
end

function done(summary, latency, requests)
  local total_sent = -1 -- the verification call
  for _, thread in ipairs(threads) do
    total_sent = total_sent + thread:get("sent")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"tool":"wrk","requests":%d,"sent":%d,"duration_us":%d,"bytes":%d,'
      .. '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,'
      .. '"timeouts":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, total_sent, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
