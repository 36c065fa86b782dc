/* The system log without a log daemon: every message goes to standard error, one write
 * per message, as "ident[pid]: message" (LOG_PID) or "ident: message", the line glibc
 * prints with LOG_PERROR.  Standard error is what a container's or the runner's log
 * collects, so it is the log here: LOG_PERROR and LOG_CONS (the console is standard
 * error too) add no second copy, and the facility only validates.  The mask, the
 * "unknown facility/priority" complaint and %m (strerror(errno)) are glibc's. */

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "port.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *log_ident;     /* openlog's pointer, kept as glibc keeps it */
static int log_options;
static int log_facility = LOG_USER;
static int log_mask = 0xff;

void openlog(const char *ident, int option, int facility)
{
    pthread_mutex_lock(&log_lock);
    log_ident = ident;
    log_options = option;
    if (facility != 0 && (facility & ~LOG_FACMASK) == 0)
        log_facility = facility;
    pthread_mutex_unlock(&log_lock);
}

void closelog(void)
{
    pthread_mutex_lock(&log_lock);
    log_ident = NULL;
    pthread_mutex_unlock(&log_lock);
}

int setlogmask(int mask)
{
    return mask != 0 ? __atomic_exchange_n(&log_mask, mask, __ATOMIC_RELAXED)
                     : __atomic_load_n(&log_mask, __ATOMIC_RELAXED);
}

/* The program's name without its directory: glibc's default ident (__progname). */
static const char *program_name(void)
{
    const char *path = __eremit_program_path;
    if (path == NULL)
        return "";
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* FMT with each %m replaced by the text of ERR (its own '%' doubled), or NULL when
 * there is no %m (or no memory: the format is then used as it is). */
static char *expand_m(const char *fmt, int err)
{
    const char *text = strerror(err);
    size_t n = 0, extra = 0;
    int found = 0;
    for (const char *p = fmt; *p; p++) {
        if (p[0] == '%' && p[1] == '%') {
            p++;
        } else if (p[0] == '%' && p[1] == 'm') {
            found = 1;
            extra += 2 * strlen(text);
        }
    }
    if (!found)
        return NULL;
    char *out = malloc(strlen(fmt) + extra + 1);
    if (out == NULL)
        return NULL;
    for (const char *p = fmt; *p; p++) {
        if (p[0] == '%' && p[1] == 'm') {
            for (const char *t = text; *t; t++) {
                if (*t == '%')
                    out[n++] = '%';
                out[n++] = *t;
            }
            p++;
        } else {
            if (p[0] == '%' && p[1] == '%')
                out[n++] = *p++;
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    return out;
}

void vsyslog(int pri, const char *fmt, va_list ap)
{
    int saved_errno = errno;
    if (pri & ~(LOG_PRIMASK | LOG_FACMASK)) {
        syslog(LOG_ERR, "syslog: unknown facility/priority: %x", pri);
        pri &= LOG_PRIMASK | LOG_FACMASK;
    }
    if ((LOG_MASK(LOG_PRI(pri)) & __atomic_load_n(&log_mask, __ATOMIC_RELAXED)) == 0)
        return;
    char *expanded = expand_m(fmt, saved_errno);

    pthread_mutex_lock(&log_lock);
    const char *ident = log_ident != NULL ? log_ident : program_name();
    int with_pid = log_options & LOG_PID;
    pthread_mutex_unlock(&log_lock);

    /* Header and message formatted into one buffer, so that the line is one write and
     * lines of concurrent threads do not interleave. */
    char small[1024];
    char *line = small;
    int head = with_pid ? snprintf(small, sizeof small, "%s[%d]: ", ident, (int)getpid())
                        : snprintf(small, sizeof small, "%s: ", ident);
    if (head < 0)
        goto out;
    va_list again;
    va_copy(again, ap);
    size_t room = (size_t)head < sizeof small ? sizeof small - (size_t)head : 0;
    int body = vsnprintf(room ? small + head : NULL, room, expanded ? expanded : fmt, ap);
    if (body < 0) {
        va_end(again);
        goto out;
    }
    size_t len = (size_t)head + (size_t)body;
    if (len + 2 > sizeof small) {
        line = malloc(len + 2);
        if (line == NULL) {
            va_end(again);
            goto out;
        }
        if (with_pid)
            snprintf(line, len + 1, "%s[%d]: ", ident, (int)getpid());
        else
            snprintf(line, len + 1, "%s: ", ident);
        vsnprintf(line + head, (size_t)body + 1, expanded ? expanded : fmt, again);
    }
    va_end(again);
    if (len == 0 || line[len - 1] != '\n')
        line[len++] = '\n';
    for (size_t done = 0; done < len;) {
        ssize_t w = write(STDERR_FILENO, line + done, len - done);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    if (line != small)
        free(line);
out:
    free(expanded);
    errno = saved_errno;
}

void syslog(int pri, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsyslog(pri, fmt, ap);
    va_end(ap);
}
