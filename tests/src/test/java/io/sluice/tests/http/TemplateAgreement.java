package io.sluice.tests.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.sluice.api.Route;
import io.sluice.functions.ApiGatewayHandler;
import io.sluice.functions.FunctionConfig;
import io.sluice.infra.SamTemplate;
import io.sluice.LogServices;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.store.InMemoryObjectStore;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Checks that template.yaml and the code agree; each check lists the problems it finds. */
final class TemplateAgreement {

    private final SamTemplate template;

    TemplateAgreement(SamTemplate template) {
        this.template = template;
    }

    /** Every Handler names a public class with the API Gateway v2 signature and the constructors Lambda and the local stack use. */
    List<String> handlerProblems() {
        List<String> problems = new ArrayList<>();
        for (SamTemplate.FunctionDef function : template.functions()) {
            String where = function.logicalId() + " (" + function.handlerClass() + "::" + function.handlerMethod() + ")";
            Class<?> type;
            try {
                type = Class.forName(function.handlerClass());
            } catch (ClassNotFoundException e) {
                problems.add(where + ": no such class");
                continue;
            }
            if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
                problems.add(where + ": not a public concrete class");
            }
            boolean http = !function.routes().isEmpty();
            boolean scheduled = !function.schedules().isEmpty();
            if (http && scheduled) {
                problems.add(where + ": a function takes either HttpApi events or Schedule events");
                continue;
            }
            // A function with no event source is only invoked (the subscriptions' dispatcher): a JSON object in.
            Class<?> eventType = http ? APIGatewayV2HTTPEvent.class : scheduled ? ScheduledEvent.class : Map.class;
            if (!implementsHandlerOf(type, eventType, http ? APIGatewayV2HTTPResponse.class : null)) {
                problems.add(where + ": does not implement RequestHandler<" + eventType.getSimpleName() + ", ...>");
            }
            try {
                Method method = type.getMethod(function.handlerMethod(), eventType, Context.class);
                if (http && method.getReturnType() != APIGatewayV2HTTPResponse.class) {
                    problems.add(where + ": returns " + method.getReturnType().getName());
                }
            } catch (NoSuchMethodException e) {
                problems.add(where + ": no method " + function.handlerMethod() + "(" + eventType.getSimpleName()
                        + ", Context)");
            }
            for (String schedule : function.schedules()) {
                try {
                    SamTemplate.rate(schedule);
                } catch (IllegalArgumentException e) {
                    problems.add(where + ": " + e.getMessage());
                }
            }
            for (Class<?>[] parameters : List.of(new Class<?>[0], new Class<?>[] {Map.class})) {
                try {
                    if (!Modifier.isPublic(type.getConstructor(parameters).getModifiers())) {
                        problems.add(where + ": constructor " + Arrays.toString(parameters) + " is not public");
                    }
                } catch (NoSuchMethodException e) {
                    problems.add(where + ": no public constructor " + Arrays.toString(parameters));
                }
            }
        }
        return problems;
    }

    private static boolean implementsHandlerOf(Class<?> type, Class<?> event, Class<?> response) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Type generic : c.getGenericInterfaces()) {
                if (generic instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
                    Type input = p.getActualTypeArguments()[0];
                    Type raw = input instanceof ParameterizedType pi ? pi.getRawType() : input;
                    return raw == event
                            && (response == null || p.getActualTypeArguments()[1] == response);
                }
            }
        }
        return false;
    }

    /**
     * The routes of the template and of the code are the same set; each template route goes to a function
     * whose handler serves it; there is exactly one {@code $default} route.
     */
    List<String> routeProblems() {
        List<String> problems = new ArrayList<>();
        Set<String> inTemplate = new TreeSet<>();
        int defaults = 0;
        for (SamTemplate.FunctionDef function : template.functions()) {
            if (function.routes().isEmpty()) {
                continue;
            }
            Set<String> served = servedBy(function.handlerClass());
            for (SamTemplate.HttpRoute route : function.routes()) {
                if (route.isDefault()) {
                    defaults++;
                    continue;
                }
                if (!inTemplate.add(route.routeKey())) {
                    problems.add("route " + route.routeKey() + " is declared twice");
                }
                if (!served.contains(route.routeKey())) {
                    problems.add(function.logicalId() + " is routed " + route.routeKey() + " but its handler serves "
                            + served);
                }
            }
            for (String route : served) {
                if (function.routes().stream().noneMatch(r -> route.equals(r.routeKey()))) {
                    problems.add(function.handlerClass() + " serves " + route + " but " + function.logicalId()
                            + " has no such event");
                }
            }
        }
        Set<String> inCode = Arrays.stream(Route.values()).map(Route::routeKey).collect(Collectors.toCollection(TreeSet::new));
        for (String route : inCode) {
            if (!inTemplate.contains(route)) {
                problems.add("the code serves " + route + " but template.yaml has no such route");
            }
        }
        for (String route : inTemplate) {
            if (!inCode.contains(route)) {
                problems.add("template.yaml routes " + route + " but no code serves it");
            }
        }
        if (defaults != 1) {
            problems.add("expected exactly one $default route, found " + defaults);
        }
        return problems;
    }

    private static Set<String> servedBy(String handlerClass) {
        try {
            Object handler = Class.forName(handlerClass).getConstructor(LogServices.class).newInstance(
                    LogServices.create(new InMemoryObjectStore(Clock.systemUTC()), new InMemoryMetadataStore(), new io.sluice.group.InMemoryGroupStore(),
                            Clock.systemUTC()));
            return ((ApiGatewayHandler) handler).routes().stream().map(Route::routeKey)
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (ReflectiveOperationException | ClassCastException e) {
            return Set.of();
        }
    }

    /** Every environment variable a handler requires is set for every function. */
    List<String> environmentProblems() {
        List<String> problems = new ArrayList<>();
        for (SamTemplate.FunctionDef function : template.functions()) {
            for (String name : FunctionConfig.REQUIRED) {
                if (!function.environment().containsKey(name)) {
                    problems.add(function.logicalId() + " does not set " + name);
                }
            }
        }
        return problems;
    }
}
