-- check.lua: what tests/projects_tests.py runs with `luarun -e` natively and in Eremit
-- (the runner passes no newlines, so the test joins the lines: full-line comments only).
local t = {}
for i = 1, 10 do t[i] = i * i end
t.name = "squares"
t[3.0] = "three"
print(#t, t[10], t.name, t[3], table.concat(t, ",", 4, 8))
table.sort(t, function(a, b) return tostring(a) < tostring(b) end)
print(table.concat(t, " "))
local inv = {}
for k, v in pairs({a = 1, b = 2, c = 3}) do inv[v] = k end
print(inv[1], inv[2], inv[3], #inv, next({}), rawlen({1, 2, nil, 4}) >= 2)
table.insert(t, 1, "first"); table.remove(t); print(t[1], #t, select("#", table.unpack({1, 2, 3})))
print(string.format("%5.2f|%e|%g|%g|%.14g|%a|%.3f|%10.4f|%-8.1f|", math.pi, 1e-10, 1e20, 0.1, 2/3, 1.0, -0.0005, 1234.56789, 2.25))
print(string.format("%d %5d %x %X %o %q %s %10s|%-10s|%c", 42, -7, 255, 255, 8, "a\nb\0c", nil, "r", "l", 65))
print(string.format("%q %q %q", 1/0, -1/0, 0.1), string.format("%.20f", 0.1), string.format("%g", 2^63))
print(1/0, -1/0, math.huge, math.mininteger, math.maxinteger, 7 // 2, 7.0 // 2, 7 % -3, -7 % 3, 2^53, 1e15, 1e16, 123456789012)
print(0/0 ~= 0/0, math.floor(-3.5), math.ceil(-3.5), math.fmod(7, 3), math.fmod(-7, 3), math.sqrt(2), math.exp(1), math.log(100, 10), math.sin(1), math.atan(1, 2))
print(math.tointeger(3.0), math.type(1), math.type(1.0), math.type("1"), 3 | 5, 3 ~ 5, ~0, 1 << 62, 5 // 0.0, -5 // 0.0, math.ult(1, -1), 10 / 4)
print(tonumber("0x10"), tonumber("  12  "), tonumber("1e2"), tonumber("z", 36), tonumber("10", 2), tonumber("abc"), tostring(1e100), 255 // 1 | 0, "10" + 5, "3" * "4")
print(string.rep("ab", 3, "-"), ("hello world"):gsub("o", "0"), ("x=1, y=22"):match("y=(%d+)"), ("%d"):format(3), ("abc"):byte(1, -1))
for k, v in string.gmatch("a=1, b=2", "(%w+)=(%w+)") do io.write(k, v, ";") end
print(("  trim  "):match("^%s*(.-)%s*$"), ("CamelCase"):lower(), ("x"):rep(0), ("abc"):sub(-2), ("a,b,,c"):find(",,", 1, true), utf8.char(72, 228, 8364), utf8.len("äö€"), #string.pack("i4d", 1, 2.0))
local t0 = os.time()
print(type(t0), t0 > 1600000000, os.time({year = 2020, month = 1, day = 1, hour = 12}) - os.time({year = 2020, month = 1, day = 1, hour = 0}), os.time({year = 2000, month = 1, day = 1, hour = 0, isdst = false}) % 60)
print(os.date("!%Y-%m-%d %H:%M:%S", 0), os.date("!%c", 86400 * 365), os.date("!%A %B %j %p", 1700000000), os.date("!*t", 1700000000).yday, os.difftime(10, 4))
local c0 = os.clock()
local s = 0
for i = 1, 300000 do s = s + i % 7 end
local c1 = os.clock()
print(s, math.type(c1), c1 >= c0, c1 - c0 < 60)
local f = assert(io.open("/tmp/lua_check.txt", "w"))
print(io.type(f), f:write("line1\n", 42, "\n", 3.5, "\n", -1e300, "\nlast") == f, f:seek("cur"))
f:close()
print(io.type(f), pcall(f.write, f, "x"))
for l in io.lines("/tmp/lua_check.txt") do io.write("[", l, "]") end
print()
f = assert(io.open("/tmp/lua_check.txt", "r"))
print(f:read("l"), f:read("n"), f:read("n"), f:read("n"), f:read("a"), f:read("a"), f:read("l"), f:seek("end"), f:seek("set", 2), f:read(3), f:seek("cur", -1), f:read(1))
f:close()
f = assert(io.open("/tmp/lua_check.txt", "a+"))
f:write("\nappended")
f:seek("set")
local all = f:read("a")
f:close()
print(#all, select(2, all:gsub("\n", "")), all:sub(-8))
f = assert(io.open("/tmp/lua_check.bin", "wb"))
for i = 0, 255 do f:write(string.char(i)) end
f:setvbuf("full", 1024)
f:close()
f = io.open("/tmp/lua_check.bin", "rb")
local bytes = f:read(300)
print(#bytes, bytes:byte(1), bytes:byte(256), f:read(1), f:read(0))
f:close()
print(io.open("/nonexistent/dir/file", "r"))
print(io.open("/tmp", "w"))
print(os.rename("/tmp/lua_check.bin", "/tmp/lua_check2.bin"), io.open("/tmp/lua_check.bin") == nil, os.remove("/tmp/lua_check2.bin"))
print(os.remove("/tmp/lua_check.txt"), os.remove("/tmp/lua_check.txt"))
print(os.rename("/tmp/nope", "/tmp/nope2"))
print(select(2, pcall(error, {code = 7})).code, pcall(error, "msg", 0))
print(pcall(error, "with position"))
print(pcall(function() local x = nil; return x.y end))
print(pcall(function() return 1 + {} end))
print(pcall(function() return #nil end))
print(pcall(string.rep))
print(select("#", pcall(error)), pcall(error, nil), pcall(error, 42))
print(xpcall(function() error("deep") end, function(m) return "handled: " .. m end))
print(xpcall(function(a, b) return a + b end, print, 3, 4))
print(pcall(function() return setmetatable({}, {__index = function(_, k) error("no field " .. k, 2) end}).missing end))
local ok, e = pcall(function() local a = setmetatable({}, {__add = function() return "added" end}); return a + 1 end)
print(ok, e, pcall(load("return 1 + 2")), load("syntax error here"))
local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1); error("in coroutine " .. b) end)
print(co(1), pcall(co, 10))
local gen = coroutine.create(function() for i = 1, 3 do coroutine.yield(i) end return "done" end)
local out = {}
while true do local ok2, v = coroutine.resume(gen); out[#out + 1] = tostring(v); if coroutine.status(gen) == "dead" then break end end
print(table.concat(out, ","), coroutine.resume(gen))
print(os.getenv("LUA_CHECK"), os.getenv("HOME"), os.getenv("NO_SUCH_VAR_X"))
print(type(os.tmpname()), package.path ~= nil, type(require("string")), pcall(require, "no_such_module") == false)
local weak = setmetatable({}, {__mode = "k"})
weak[{}] = 1
collectgarbage()
collectgarbage("collect")
print(next(weak), collectgarbage("count") > 0, collectgarbage("isrunning"))
local big = {}
for i = 1, 200000 do big[i] = {i, tostring(i)} end
local sum = 0
for i = 1, #big, 1000 do sum = sum + big[i][1] + #big[i][2] end
big = nil
collectgarbage()
print(sum, string.format("%.3f", 1e15 / 7), 2^63 == math.maxinteger + 1.0, math.maxinteger + 1 == math.mininteger)
