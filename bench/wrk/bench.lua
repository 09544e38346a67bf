-- One script for every benchmark run; the mode comes from the environment.
--   BENCH_MODE=get      plain GET of the URL (anonymous pages, the static ceiling)
--   BENCH_MODE=session  GET with a logged-in session cookie, rotating over BENCH_SESSIONS
--   BENCH_MODE=post     POST a new comment (CSRF token + session), rotating over the members
-- done() prints one line "BENCH_JSON {...}" that bench/run.py reads.

local mode = os.getenv("BENCH_MODE") or "get"
local sessions = {}
for key in string.gmatch(os.getenv("BENCH_SESSIONS") or "", "[^,]+") do
  table.insert(sessions, key)
end
local csrf = os.getenv("BENCH_CSRF") or ""
local nonce = os.getenv("BENCH_NONCE") or ""
local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("id", thread_count)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  ok = 0
  bad = 0
end

local function cookie_for(n)
  local key = sessions[(n % #sessions) + 1]
  return "sessionid=" .. key .. "; csrftoken=" .. csrf
end

if mode == "session" then
  request = function()
    counter = counter + 1
    return wrk.format("GET", nil, { Cookie = cookie_for(counter + id) })
  end
elseif mode == "post" then
  request = function()
    counter = counter + 1
    local body = "csrfmiddlewaretoken=" .. csrf
      .. "&body=Benchmark+comment+" .. nonce .. "-" .. id .. "-" .. counter .. "+about+this+week%27s+source."
      .. "&parent=&website="
    return wrk.format("POST", nil, {
      Cookie = cookie_for(counter + id),
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, body)
  end
  response = function(status, headers, body)
    if status == 302 then ok = ok + 1 else bad = bad + 1 end
  end
end

function done(summary, latency, requests)
  local posted, refused = 0, 0
  for _, t in ipairs(threads) do
    posted = posted + (t:get("ok") or 0)
    refused = refused + (t:get("bad") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"posted": %d, "refused": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, posted, refused))
end
