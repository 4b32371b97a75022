package io.sluice.tests.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * Wraps every method of a store interface (metadata, group or object store) with a fault injector: before
 * every call, and after every call that writes. A method added to an interface is covered without a line
 * here, so the faults a run meets can never again cover 3 of 21 methods.
 */
public final class EveryMethodFaults {

    /** Told before every call and after every write; may throw to inject a fault there. */
    public interface Injector {
        void before(String operation);

        void afterWrite(String operation);
    }

    /** Method-name prefixes of the calls that only read. */
    private static final List<String> READS = List.of("get", "list", "floor", "entries", "producerIdForName",
            "producerName", "producerOwner", "producerEpoch", "referencedObjects", "objectReferences", "garbageMarks", "deletedTopicId",
            "checkpoints", "describe");

    private EveryMethodFaults() {
    }

    public static boolean isRead(String method) {
        return READS.stream().anyMatch(method::startsWith);
    }

    /** {@code delegate} behind {@code type}, with {@code faults} at every call. */
    public static <T> T wrap(Class<T> type, T delegate, Injector faults) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return invoke(method, delegate, args);
            }
            String operation = type.getSimpleName() + "." + method.getName();
            faults.before(operation);
            Object result = invoke(method, delegate, args);
            if (!isRead(method.getName())) {
                faults.afterWrite(operation);
            }
            return result;
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
