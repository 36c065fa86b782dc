/* Memory freed at one size serves every size: after 204 MiB of 200-byte blocks are
 * freed, 150 blocks of 1 MiB can be allocated (and written). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
    struct node *next;
    char bytes[200 - sizeof(struct node *)];
};

int main(void)
{
    size_t want = (size_t)204 << 20, got = 0;
    struct node *list = NULL;
    while (got < want) {
        struct node *n = malloc(sizeof *n);
        if (n == NULL) {
            printf("malloc(200) failed after %zu MiB\n", got >> 20);
            return 1;
        }
        n->next = list;
        list = n;
        got += sizeof *n;
    }
    printf("200-byte blocks: %zu MiB\n", got >> 20);
    while (list != NULL) {
        struct node *next = list->next;
        free(list);
        list = next;
    }
    static void *large[150];
    int n = 0;
    for (; n < 150; n++) {
        large[n] = malloc(1 << 20);
        if (large[n] == NULL)
            break;
        memset(large[n], n, 1 << 20);
    }
    printf("1 MiB blocks after freeing them: %d\n", n);
    for (int i = 0; i < n; i++)
        free(large[i]);
    return n == 150 ? 0 : 1;
}
