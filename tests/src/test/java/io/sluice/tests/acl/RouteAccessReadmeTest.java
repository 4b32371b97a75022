package io.sluice.tests.acl;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.acl.Operation;
import io.sluice.api.Route;
import io.sluice.api.RouteAccess;
import io.sluice.tests.support.EmbeddedBackends;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The operation table is one table: the code's, printed in the README exactly, with a row for every route. */
class RouteAccessReadmeTest {

    @Test
    void theReadmePrintsTheCodesTable() throws Exception {
        String readme = Files.readString(EmbeddedBackends.projectRoot().resolve("README.md"));
        assertThat(readme).contains(RouteAccess.markdownTable());
    }

    @Test
    void everyRouteHasAtLeastOneCheck() {
        for (Route route : Route.values()) {
            assertThat(RouteAccess.of(route).checks()).as(route.routeKey()).isNotEmpty();
        }
    }

    @Test
    void theIssuesRulesHold() {
        assertThat(RouteAccess.of(Route.PRODUCE).checks().get(0).operations()).containsExactly(Operation.WRITE);
        assertThat(RouteAccess.of(Route.FETCH).checks().get(0).operations()).containsExactly(Operation.READ);
        assertThat(RouteAccess.of(Route.LIST_OFFSETS).checks().get(0).operations()).containsExactly(Operation.READ);
        assertThat(RouteAccess.of(Route.RESET_GROUP).checks().get(0).operations()).containsExactly(Operation.ALTER);
        assertThat(RouteAccess.of(Route.HEARTBEAT).checks()).extracting(RouteAccess.Check::operations)
                .containsOnly(java.util.List.of(Operation.READ));
        assertThat(RouteAccess.of(Route.CREATE_TOPIC).checks().get(0).orCluster()).isTrue();
        assertThat(RouteAccess.of(Route.DELETE_TOPIC).checks().get(0).orCluster()).isTrue();
        for (Route cluster : java.util.List.of(Route.RUN_MAINTENANCE, Route.CREATE_ACL, Route.LIST_ACLS, Route.DELETE_ACL)) {
            assertThat(RouteAccess.of(cluster).checks().get(0).type()).isEqualTo(io.sluice.acl.ResourceType.CLUSTER);
            assertThat(RouteAccess.of(cluster).checks().get(0).operations()).containsExactly(Operation.ALTER);
        }
    }
}
