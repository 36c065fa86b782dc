/* <dlfcn.h>: an Eremit image is one static executable, loaded whole at boot, without a
 * dynamic symbol table: there is no shared object to open and no symbol to look up.
 * Every call fails and dlerror() describes the failure, as glibc's does for a library it
 * cannot load ("NAME: cannot open shared object file: ..."), so programs report it. */

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "port.h"

/* The last failure of this thread, until dlerror() returns it (POSIX). */
static __thread char message[320];
static __thread int pending;

static void fail(const char *name, const char *what)
{
    snprintf(message, sizeof message, "%s: %s", name != NULL ? name : "(null)", what);
    pending = 1;
}

void *dlopen(const char *file, int mode)
{
    (void)mode;
    fail(file != NULL ? file : "main program",
         "cannot open shared object file: dynamic loading is not supported (Eremit images are static)");
    return NULL;
}

void *dlsym(void *restrict handle, const char *restrict name)
{
    (void)handle;
    fail(name, "undefined symbol (Eremit images have no dynamic symbol table)");
    return NULL;
}

int dlclose(void *handle)
{
    (void)handle;
    fail("dlclose", "invalid handle (nothing was opened)");
    return -1;
}

char *dlerror(void)
{
    if (!pending)
        return NULL;
    pending = 0;
    return message;
}

int dladdr(const void *addr, Dl_info *info)
{
    (void)addr;
    if (info != NULL)
        memset(info, 0, sizeof *info);
    return 0; /* "not found", which is all dladdr() can say */
}
