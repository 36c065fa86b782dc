/* reliability: net=user timeout=240
 *
 * net_loopback.c with a network device: loopback works beside it. */
#include "net_loopback.c"
