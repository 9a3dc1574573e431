-- wrk script: POST a redraw request for a selection drawn at random from a file of request bodies.
local bodies = {}

function init(args)
  for line in io.lines(args[1]) do
    bodies[#bodies + 1] = line
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local body = bodies[math.random(#bodies)]
  return wrk.format("POST", "/_dash-update-component", {["Content-Type"] = "application/json"}, body)
end
