/// Which task executor the tasks our code starts should prefer.
///
/// Child tasks (task groups, `async let`) inherit a task's executor preference, but
/// unstructured tasks (`Task { }`) do not. The simulator runs a whole cluster on one
/// deterministic executor, so the few places that start unstructured tasks (a write's sends
/// that must outlive the client's answer, inbound one-way handlers) start them with
/// `Task.preferringInheritedExecutor`, which reads this task-local. Outside the simulator it
/// is nil and those tasks run on the global executor as usual.
public enum InheritedExecutor {
    /// The executor that tasks started by our code prefer; task-locals are inherited by
    /// unstructured tasks, so the preference follows every task the simulator starts.
    @TaskLocal public static var preferred: (any TaskExecutor)?
}

extension Task where Failure == Never {
    /// An unstructured task that prefers `InheritedExecutor.preferred` (the global executor
    /// when it is nil).
    @discardableResult
    public static func preferringInheritedExecutor(
        _ operation: sending @escaping @isolated(any) () async -> Success
    ) -> Task<Success, Never> {
        Task(executorPreference: InheritedExecutor.preferred, operation: operation)
    }
}
