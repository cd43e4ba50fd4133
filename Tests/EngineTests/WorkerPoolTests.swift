import Testing
@testable import Engine

private final class CountingWork: ParallelWork {
    var hits: [Int]
    var workersSeen: [Int]
    init(tasks: Int) { hits = Array(repeating: 0, count: tasks); workersSeen = Array(repeating: -1, count: tasks) }
    func perform(task: Int, worker: Int) {
        hits[task] += 1   // each task index is touched by exactly one thread
        workersSeen[task] = worker
    }
}

@Suite struct WorkerPoolTests {
    @Test(arguments: [1, 2, 4])
    func everyTaskRunsOnceOnAValidWorker(threads: Int) {
        let pool = WorkerPool(threads: threads)
        for tasks in [1, 2, 3, 7, 64] {
            for _ in 0..<50 {
                let work = CountingWork(tasks: tasks)
                pool.run(work, tasks: tasks)
                #expect(work.hits == Array(repeating: 1, count: tasks))
                #expect(work.workersSeen.allSatisfy { (0..<threads).contains($0) })
            }
        }
    }

    @Test func poolShutsDownCleanly() {
        // Creating and dropping pools must join their threads, not leak or hang.
        for _ in 0..<20 {
            let pool = WorkerPool(threads: 3)
            let work = CountingWork(tasks: 5)
            pool.run(work, tasks: 5)
            #expect(work.hits.reduce(0, +) == 5)
        }
    }
}
