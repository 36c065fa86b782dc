/* reliability: memory=32M
 * A service's waits mostly end long before their timeout (a 30 s read timeout answered
 * in microseconds). Two threads pass a token back and forth 300,000 times, each waiting
 * with pthread_cond_timedwait and a 30 s deadline: the kernel must forget a wait's timer
 * when the wait ends, or its timer heap grows by one entry per wait until the deadline
 * (600,000 entries, more than this 32 MiB VM has) and a wait panics allocating. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define ROUNDS 300000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int turn; /* whose move: 0 or 1 */
static int timeouts;

static void play(int me)
{
	pthread_mutex_lock(&lock);
	for (int i = 0; i < ROUNDS; i++) {
		while (turn != me) {
			struct timespec deadline;
			clock_gettime(CLOCK_REALTIME, &deadline);
			deadline.tv_sec += 30;
			if (pthread_cond_timedwait(&changed, &lock, &deadline))
				timeouts++;
		}
		turn = !me;
		pthread_cond_signal(&changed);
	}
	pthread_mutex_unlock(&lock);
}

static void *other(void *arg)
{
	(void)arg;
	play(1);
	return 0;
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, 0, other, 0)) {
		printf("pthread_create failed\n");
		return 1;
	}
	play(0);
	pthread_join(t, 0);
	printf("%d round trips, %d timeouts\n", ROUNDS, timeouts);
	return 0;
}
