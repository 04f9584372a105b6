// TaskListener: what a runner tells as tasks finish (the progress bar).
package io.xbar.network;

/** Called once per finished task, from any thread. */
@FunctionalInterface
interface TaskListener {
    void finished(int done, int total);
}
