/* Name resolution through a DNS server (tests/net_c_tests.py's stub on the host, reached
 * as 10.0.2.2 with `--dns 10.0.2.2`): sys_getaddrbyname picks the record type from the
 * buffer's length as Hermit does (4: A, 16: AAAA, else EINVAL), and what the C library's
 * getaddrinfo gives for each family. Eremit only (sys_getaddrbyname is Hermit's call);
 * the test compares the output with the stub's records. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int32_t sys_getaddrbyname(const char *name, uint8_t *inaddr, size_t len);

static void by_name(const char *name, size_t len)
{
    uint8_t buf[16];
    char text[INET6_ADDRSTRLEN] = "-";
    memset(buf, 0, sizeof buf);
    int r = sys_getaddrbyname(name, buf, len);
    if (r == 0)
        inet_ntop(len == 4 ? AF_INET : AF_INET6, buf, text, sizeof text);
    printf("getaddrbyname(%s, %zu) -> %d %s\n", name, len, r, text);
}

static void by_getaddrinfo(const char *name, int family, const char *family_name)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    int r = getaddrinfo(name, "80", &hints, &res);
    printf("getaddrinfo(%s, %s) -> %s", name, family_name, r == 0 ? "ok" : gai_strerror(r));
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        char text[INET6_ADDRSTRLEN] = "?";
        if (ai->ai_family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, text, sizeof text);
        else if (ai->ai_family == AF_INET6)
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, text, sizeof text);
        printf(" %s", text);
    }
    printf("\n");
    if (res)
        freeaddrinfo(res);
}

int main(void)
{
    by_name("stub.eremit.test", 4);
    by_name("stub.eremit.test", 16);
    by_name("v4only.eremit.test", 16);
    by_name("missing.eremit.test", 16);
    by_name("localhost", 16);
    by_name("stub.eremit.test", 8);
    by_getaddrinfo("stub.eremit.test", AF_INET, "AF_INET");
    by_getaddrinfo("stub.eremit.test", AF_UNSPEC, "AF_UNSPEC");
    by_getaddrinfo("stub.eremit.test", AF_INET6, "AF_INET6");
    by_getaddrinfo("v4only.eremit.test", AF_INET6, "AF_INET6");
    by_getaddrinfo("v4only.eremit.test", AF_UNSPEC, "AF_UNSPEC");
    return 0;
}
