package dev.gridqueue.server.internal.gateway;

import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.util.MutableHandlerRegistry;
import java.io.InputStream;

/**
 * The gRPC methods a node serves once it has joined the grid. The port is bound (and a taken port
 * reported) before the node joins; until then any method that is not registered yet answers
 * UNAVAILABLE "still joining the grid", which clients retry, rather than UNIMPLEMENTED.
 */
public final class JoiningHandlers extends HandlerRegistry {
  private static final MethodDescriptor.Marshaller<InputStream> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
          return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
          return stream;
        }
      };

  private final MutableHandlerRegistry registered = new MutableHandlerRegistry();
  private volatile boolean joined;

  /** Adds a service (usable at once); {@link #joined()} ends the UNAVAILABLE answers. */
  public void add(ServerServiceDefinition service) {
    registered.addService(service);
  }

  public void joined() {
    joined = true;
  }

  /** What server reflection lists besides the services given to the builder. */
  @Override
  public java.util.List<ServerServiceDefinition> getServices() {
    return registered.getServices();
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
    ServerMethodDefinition<?, ?> method = registered.lookupMethod(methodName, authority);
    if (method != null || joined) {
      return method;
    }
    return ServerMethodDefinition.create(
        MethodDescriptor.<InputStream, InputStream>newBuilder(RAW, RAW)
            .setType(MethodDescriptor.MethodType.UNKNOWN)
            .setFullMethodName(methodName)
            .build(),
        new Unavailable());
  }

  private static final class Unavailable implements ServerCallHandler<InputStream, InputStream> {
    @Override
    public ServerCall.Listener<InputStream> startCall(
        ServerCall<InputStream, InputStream> call, Metadata headers) {
      call.close(
          Status.UNAVAILABLE.withDescription("grid node still joining the grid"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
  }
}
