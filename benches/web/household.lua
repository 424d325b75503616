-- wrk script: each request is a signed-in caseworker opening one household page. Sessions and household ids come
-- from files written by run.sh (one per line); requests rotate through both so that 50 users read many households.
local sessions, households = {}, {}
for line in io.lines(os.getenv("SESSIONS_FILE")) do sessions[#sessions + 1] = line end
for line in io.lines(os.getenv("HOUSEHOLDS_FILE")) do households[#households + 1] = line end
local n = 0

request = function()
  n = n + 1
  local session = sessions[(n % #sessions) + 1]
  local household = households[(n % #households) + 1]
  return wrk.format("GET", "/hushall/" .. household, { ["Cookie"] = "stegvis_session=" .. session })
end

local errors = 0
response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("requests=%d non_2xx_or_errors=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f rps=%.0f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests / (summary.duration / 1e6)))
end
