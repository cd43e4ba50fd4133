#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Work split into numbered tasks; `worker` (0..<pool.threadCount) lets a task use
/// per-thread scratch memory without locking.
protocol ParallelWork: AnyObject {
    func perform(task: Int, worker: Int)
}

/// A fixed set of threads started once, for splitting one layer's work over cores
/// (fork-join). The calling thread is worker 0 and works too, so `threads: 1` starts no
/// thread and runs everything inline. Tasks are claimed one by one from a shared counter,
/// so uneven tasks balance themselves. A dispatch costs one broadcast and one wait; with
/// coarse tasks (a few per thread per layer) that is small next to the layer itself.
final class WorkerPool: @unchecked Sendable {
    let threadCount: Int

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let finished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var workerThreads: [pthread_t] = []

    // Guarded by `mutex`.
    private var generation = 0
    private var work: ParallelWork?
    private var taskCount = 0
    private var nextTask = 0
    private var doneTasks = 0
    private var stopping = false

    init(threads: Int) {
        threadCount = max(1, threads)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        pthread_cond_init(finished, nil)
        for worker in 1..<threadCount {
            let context = Unmanaged.passRetained(WorkerContext(pool: self, worker: worker)).toOpaque()
            #if canImport(Glibc)
            var thread = pthread_t()
            #else
            var thread: pthread_t?
            #endif
            let rc = pthread_create(&thread, nil, { raw in
                #if canImport(Glibc)
                let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                #else
                let context = Unmanaged<WorkerContext>.fromOpaque(raw).takeRetainedValue()
                #endif
                context.pool.workerLoop(worker: context.worker)
                return nil
            }, context)
            precondition(rc == 0, "pthread_create failed with \(rc)")
            #if canImport(Glibc)
            workerThreads.append(thread)
            #else
            workerThreads.append(thread!)
            #endif
        }
    }

    deinit {
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_broadcast(wake)
        pthread_mutex_unlock(mutex)
        for t in workerThreads { pthread_join(t, nil) }
        pthread_cond_destroy(wake)
        pthread_cond_destroy(finished)
        pthread_mutex_destroy(mutex)
        mutex.deallocate(); wake.deallocate(); finished.deallocate()
    }

    /// Runs `work.perform(task:worker:)` for every task in 0..<tasks and returns when all are done.
    func run(_ work: ParallelWork, tasks: Int) {
        guard tasks > 0 else { return }
        if threadCount == 1 || tasks == 1 {
            for t in 0..<tasks { work.perform(task: t, worker: 0) }
            return
        }
        pthread_mutex_lock(mutex)
        self.work = work
        taskCount = tasks
        nextTask = 0
        doneTasks = 0
        generation &+= 1
        pthread_cond_broadcast(wake)
        drainTasks(work: work, worker: 0)
        while doneTasks < taskCount { pthread_cond_wait(finished, mutex) }
        self.work = nil
        pthread_mutex_unlock(mutex)
    }

    /// Claims and performs tasks until none are left. Called and returns with `mutex` held.
    private func drainTasks(work: ParallelWork, worker: Int) {
        while nextTask < taskCount {
            let task = nextTask
            nextTask += 1
            pthread_mutex_unlock(mutex)
            work.perform(task: task, worker: worker)
            pthread_mutex_lock(mutex)
            doneTasks += 1
            if doneTasks == taskCount { pthread_cond_signal(finished) }
        }
    }

    private func workerLoop(worker: Int) {
        var seen = 0
        pthread_mutex_lock(mutex)
        while true {
            while generation == seen && !stopping { pthread_cond_wait(wake, mutex) }
            if stopping { break }
            seen = generation
            if let work { drainTasks(work: work, worker: worker) }
        }
        pthread_mutex_unlock(mutex)
    }
}

private final class WorkerContext {
    // Not retained: the pool joins its threads in deinit, before its memory goes.
    unowned(unsafe) let pool: WorkerPool
    let worker: Int
    init(pool: WorkerPool, worker: Int) { self.pool = pool; self.worker = worker }
}
