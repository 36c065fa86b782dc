/* luarun: a standalone Lua interpreter for tests/projects_tests.py.  The lua-src crate
 * ships Lua's library (lua-5.4.x/*.c) without the stand-alone interpreter lua.c, so this
 * is the small program a user embedding Lua writes: it opens the standard libraries and
 * runs chunks the way lua.c does.
 *
 * Usage: luarun [-v] [-e CHUNK]... [SCRIPT [ARGS...]]
 *   -v      prints LUA_COPYRIGHT
 *   -e      runs CHUNK (named "(command line)", as lua.c names it)
 *   SCRIPT  runs a file; the global table `arg` holds SCRIPT at 0 and ARGS from 1
 * Errors are printed as lua.c prints them ("PROGNAME: MESSAGE" and a traceback, on
 * stderr) and make the exit status 1; os.exit(N) exits with N. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

static const char *progname = "luarun";

static int msghandler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

static int report(lua_State *L, int status)
{
    if (status != LUA_OK) {
        fprintf(stderr, "%s: %s\n", progname, lua_tostring(L, -1));
        fflush(stderr);
        lua_pop(L, 1);
    }
    return status;
}

static int docall(lua_State *L, int nargs)
{
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, msghandler);
    lua_insert(L, base);
    int status = lua_pcall(L, nargs, 0, base);
    lua_remove(L, base);
    return status;
}

int main(int argc, char **argv)
{
    if (argv[0] != NULL && argv[0][0] != '\0')
        progname = argv[0];
    lua_State *L = luaL_newstate();
    if (L == NULL) {
        fprintf(stderr, "%s: cannot create state: not enough memory\n", progname);
        return EXIT_FAILURE;
    }
    luaL_openlibs(L);
    int status = LUA_OK, i = 1;
    for (; i < argc && status == LUA_OK; i++) {
        if (strcmp(argv[i], "-v") == 0) {
            printf("%s\n", LUA_COPYRIGHT);
        } else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc) {
            i++;
            status = luaL_loadbuffer(L, argv[i], strlen(argv[i]), "=(command line)");
            if (status == LUA_OK)
                status = docall(L, 0);
            report(L, status);
        } else {
            break;
        }
    }
    if (status == LUA_OK && i < argc) {
        lua_createtable(L, argc - i - 1, 1);
        for (int j = i; j < argc; j++) {
            lua_pushstring(L, argv[j]);
            lua_rawseti(L, -2, j - i);
        }
        lua_setglobal(L, "arg");
        status = luaL_loadfile(L, argv[i]);
        if (status == LUA_OK) {
            for (int j = i + 1; j < argc; j++)
                lua_pushstring(L, argv[j]);
            status = docall(L, argc - i - 1);
        }
        report(L, status);
    }
    lua_close(L);
    return status == LUA_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}
