/* SPDX-License-Identifier: MIT */
/*
 * Batches: many files checked on several threads, the results delivered in the order of the
 * files (ucp_checker_check_files), with progress and cancellation (ucp_checker_set_progress).
 *
 * The threads take files in order from a window of slots (file k in slot k % window); whoever
 * completes a file then runs the callbacks that are due: one progress call per completed file,
 * then the result of the next file to deliver and of every completed file after it, in order. One
 * thread at a time runs callbacks ('busy'), without holding the lock, so no thread waits for a
 * callback unless the window is full, and the callbacks never run at once. A thread that finds
 * another busy leaves its results to it: the busy thread checks for more after each callback.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check/check-private.h"

/* One file's result, from its completion to its delivery. */
struct batch_slot {
    ucp_report *report;
    ucp_error *error; /* a copy (ucp_error_copy_last); NULL with no report: out of memory */
    bool done;        /* under the batch's lock */
};

struct batch {
    ucp_checker *checker;
    const char *const *paths;
    size_t count;
    const ucp_role *role;
    const ucp_topology *topology;
    const char *password;
    ucp_batch_fn fn;
    void *payload;
    ucp_progress_fn progress;
    void *progress_payload;
    struct batch_slot *slots;
    size_t window;
    /* Under 'lock': */
    pthread_mutex_t lock;
    pthread_cond_t room;  /* the window moved on, or the batch was cancelled */
    size_t next;          /* files started */
    size_t delivered;     /* files delivered to fn */
    size_t completed;     /* files completed */
    size_t reported;      /* completions told to the progress callback */
    size_t waiting;       /* threads waiting for room */
    bool busy;            /* a thread is running callbacks */
    bool cancelled;
};

/* Read and check file @k into @slot (any thread, without the lock). */
static void check_one(const struct batch *b, size_t k, struct batch_slot *slot)
{
    ucp_input *in = NULL;
    ucp_status st = ucp_input_from_file(&in, b->paths[k], b->password);
    if (st == UCP_OK)
        st = ucp_evaluate(b->checker, in, b->role, b->topology, &slot->report);
    if (st != UCP_OK) {
        ucp_report_free(slot->report);
        slot->report = NULL;
        slot->error = ucp_error_copy_last();
    }
    ucp_input_free(in);
}

/* Run the callbacks that are due, one at a time: a progress call per completed file first (so
 * that a cancellation takes effect as soon as possible), then the results of the next files in
 * order. Called and returns with the lock held, which it releases around each callback. */
static void run_callbacks(struct batch *b)
{
    while (!b->busy) { /* a busy thread sees what is due when its callback returns */
        if (b->progress && !b->cancelled && b->reported < b->completed) {
            size_t done = ++b->reported;
            b->busy = true;
            pthread_mutex_unlock(&b->lock);
            bool go_on = b->progress(done, b->count, b->progress_payload);
            pthread_mutex_lock(&b->lock);
            b->busy = false;
            if (!go_on) {
                b->cancelled = true;
                if (b->waiting)
                    pthread_cond_broadcast(&b->room);
            }
            continue;
        }
        struct batch_slot *slot = b->delivered < b->next ? &b->slots[b->delivered % b->window] : NULL;
        if (!slot || !slot->done)
            return;
        size_t k = b->delivered;
        b->busy = true;
        pthread_mutex_unlock(&b->lock);
        b->fn(k, b->paths[k], slot->report, slot->report ? NULL : slot->error ? slot->error : ucp_error_nomem(),
              b->payload);
        ucp_report_free(slot->report);
        free(slot->error);
        memset(slot, 0, sizeof *slot);
        pthread_mutex_lock(&b->lock);
        b->busy = false;
        b->delivered = k + 1;
        if (b->waiting)
            pthread_cond_broadcast(&b->room);
    }
}

static void *worker(void *arg)
{
    struct batch *b = arg;
    pthread_mutex_lock(&b->lock);
    for (;;) {
        while (!b->cancelled && b->next < b->count && b->next >= b->delivered + b->window) {
            b->waiting++;
            pthread_cond_wait(&b->room, &b->lock);
            b->waiting--;
        }
        if (b->cancelled || b->next >= b->count)
            break;
        size_t k = b->next++;
        struct batch_slot *slot = &b->slots[k % b->window];
        pthread_mutex_unlock(&b->lock);
        check_one(b, k, slot);
        pthread_mutex_lock(&b->lock);
        slot->done = true;
        b->completed++;
        run_callbacks(b);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

UCP_EXPORT ucp_status ucp_checker_set_progress(ucp_checker *c, ucp_progress_fn fn, void *payload)
{
    if (!c)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_set_progress: checker is NULL");
    c->progress = fn;
    c->progress_payload = payload;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_check_files(ucp_checker *c, const char *const *paths, size_t count,
                                              const char *role, const ucp_topology *topology,
                                              const char *password, unsigned jobs, ucp_batch_fn fn,
                                              void *payload)
{
    if (!c || !role || !fn || (count && !paths))
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL,
                        "ucp_checker_check_files: checker, paths, role or callback is NULL");
    for (size_t i = 0; i < count; i++)
        if (!paths[i])
            return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_check_files: path %zu is NULL", i);
    if (jobs > UCP_MAX_BATCH_JOBS)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL,
                        "ucp_checker_check_files: %u jobs; a batch takes 0 (one per CPU) to %d", jobs,
                        UCP_MAX_BATCH_JOBS);
    struct batch b = {
        .checker = c, .paths = paths, .count = count, .topology = topology, .password = password,
        .fn = fn, .payload = payload, .progress = c->progress, .progress_payload = c->progress_payload,
    };
    ucp_status st = ucp_checker_find_role(role, &b.role);
    if (st != UCP_OK || count == 0)
        return st;
    if (jobs == 0) {
        unsigned cpus = ucp_cpu_count();
        jobs = cpus > UCP_MAX_BATCH_JOBS ? UCP_MAX_BATCH_JOBS : cpus;
    }
    size_t threads = jobs < count ? jobs : count;
    b.window = threads * UCP_BATCH_WINDOW_PER_JOB;
    b.slots = calloc(b.window, sizeof *b.slots);
    pthread_t *helpers = threads > 1 ? calloc(threads - 1, sizeof *helpers) : NULL;
    if (!b.slots || (threads > 1 && !helpers)) {
        free(b.slots);
        free(helpers);
        return ucp_fail_nomem();
    }
    pthread_mutex_init(&b.lock, NULL);
    pthread_cond_init(&b.room, NULL);
    size_t started = 0;
    for (; started + 1 < threads; started++)
        if (pthread_create(&helpers[started], NULL, worker, &b) != 0)
            break; /* fewer helpers: this thread still checks whatever is left */
    worker(&b);
    for (size_t i = 0; i < started; i++)
        pthread_join(helpers[i], NULL);
    pthread_cond_destroy(&b.room);
    pthread_mutex_destroy(&b.lock);
    free(helpers);
    free(b.slots);
    if (b.cancelled)
        return ucp_fail(UCP_E_CANCELLED, NULL, "the batch was cancelled after %zu of %zu files", b.delivered,
                        count);
    return UCP_OK;
}
