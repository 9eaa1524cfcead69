package io.jenkins.plugins.squaddeploy.testbed;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(TestbedExtension.class)}: after the test class, closes every testbed fixture
 * (servers, sample-service containers) created while it ran and not closed by the test itself; fixtures
 * that were already open before the class (shared by an outer scope) are left alone. The JVM shutdown hook
 * of {@link Testbed} remains the last safety net.
 */
public final class TestbedExtension implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(TestbedExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Testbed.init();
        context.getStore(NS).put("before", Testbed.open());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterAll(ExtensionContext context) {
        List<AutoCloseable> before = context.getStore(NS).get("before", List.class);
        Testbed.closeAllExcept(before == null ? List.of() : before);
    }
}
