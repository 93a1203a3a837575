-- wrk -s bench/search.lua URL -- PATHS_FILE
-- Each request asks for the next search address of PATHS_FILE (one a line), round and round:
-- a varied mix of queries rather than one query measured over and over.
local paths, next_path = {}, 1

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
end

function request()
  local path = paths[next_path]
  next_path = next_path % #paths + 1
  return wrk.format(nil, path)
end
