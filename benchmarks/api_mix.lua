-- The closed-loop request mix of benchmarks/api_bench.py for wrk (`--loader wrk`), so the load generator
-- is a C program that leaves the cores to the processes it measures.
--
-- Run with as many threads as connections (`-t32 -c32`): each thread is then one client with one
-- connection, its own ETag and its own place in the cycle, as a Python client is.
--
-- Arguments (after `--`): the workspace key, the canvas id, the job id, and the canvas's actor and
-- activity ids, comma-separated. Each client cycles through the same five requests as a Python
-- client: the latest canvas, the job, the document list, the version list, and a review action that
-- accepts a random entry with the ETag this client saw last (a 409 because another client wrote
-- first is a valid answer, as in the Python loader). Clients start at different places in the cycle;
-- one that would review before it has seen an ETag reads the canvas instead. wrk counts every status
-- >= 400 as an error, so the answers are counted here: 200, 409 and anything else.

local key, canvas, job
local entries = {}
local step = 0
local etag = ""
local threads = {}
-- Answers by status, read by `done` through thread:get (so globals). Only a review answers 409.
ok, conflict, other = 0, 0, 0

function setup(thread)
   table.insert(threads, thread)
   thread:set("seed", #threads)
end

function init(args)
   key, canvas, job = args[1], args[2], args[3]
   for id in string.gmatch(args[4], "[^,]+") do
      entries[#entries + 1] = id
   end
   math.randomseed(seed)
   step = seed - 1
end

function request()
   local kind = step % 5
   step = step + 1
   if kind == 4 and etag == "" then
      kind = 0
   end
   local headers = { ["Authorization"] = "Bearer " .. key }
   if kind == 0 then
      return wrk.format("GET", "/v1/canvases/" .. canvas, headers)
   elseif kind == 1 then
      return wrk.format("GET", "/v1/jobs/" .. job, headers)
   elseif kind == 2 then
      return wrk.format("GET", "/v1/documents", headers)
   elseif kind == 3 then
      return wrk.format("GET", "/v1/canvases/" .. canvas .. "/versions", headers)
   end
   headers["Content-Type"] = "application/json"
   headers["If-Match"] = etag
   local body = '{"action":"accept","entry_id":"' .. entries[math.random(#entries)] .. '"}'
   return wrk.format("POST", "/v1/canvases/" .. canvas .. "/review", headers, body)
end

function response(status, headers, body)
   -- The latest canvas and a review that landed both carry the version's ETag.
   local tag = headers["etag"] or headers["ETag"]
   if status == 200 and tag ~= nil then
      etag = tag
   end
   if status == 200 then
      ok = ok + 1
   elseif status == 409 then
      conflict = conflict + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local counts = { ok = 0, conflict = 0, other = 0 }
   for _, thread in ipairs(threads) do
      counts.ok = counts.ok + thread:get("ok")
      counts.conflict = counts.conflict + thread:get("conflict")
      counts.other = counts.other + thread:get("other")
   end
   local errors = summary.errors
   io.write(string.format(
      'WRK_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
      '"ok": %d, "conflict": %d, "other": %d, "connect_errors": %d, "read_errors": %d, ' ..
      '"write_errors": %d, "timeouts": %d}\n',
      summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
      latency:percentile(99), counts.ok, counts.conflict, counts.other,
      errors.connect, errors.read, errors.write, errors.timeout))
end
