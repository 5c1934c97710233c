using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace ConvexInfra.Components.Tests.Provider.Protocol;

/// <summary>
/// Pulumi's gRPC protocol without generating code from its protos: the message and service descriptors compiled
/// into Pulumi.dll 3.112.1 (Pulumirpc.*Reflection, internal types reached through their public protobuf
/// descriptors), messages read and written through the descriptors' field accessors (proto field names), and
/// marshallers from the descriptors' parsers.
/// </summary>
internal static class Rpc
{
    public static ServiceDescriptor Service(string file, string name)
    {
        var reflection = typeof(Pulumi.Deployment).Assembly.GetType($"Pulumirpc.{file}Reflection")
            ?? throw new InvalidOperationException($"Pulumi.dll has no Pulumirpc.{file}Reflection.");
        var descriptor = (FileDescriptor)reflection.GetProperty("Descriptor")!.GetValue(null)!;
        return descriptor.Services.Single(s => s.Name == name);
    }

    public static Method<IMessage, IMessage> Method(MethodDescriptor method) =>
        new(MethodType.Unary, method.Service.FullName, method.Name, Marshaller(method.InputType), Marshaller(method.OutputType));

    public static IMessage New(MessageDescriptor descriptor) => (IMessage)Activator.CreateInstance(descriptor.ClrType)!;

    public static T Get<T>(this IMessage message, string field) => (T)Field(message, field).Accessor.GetValue(message);

    public static IMessage Set(this IMessage message, string field, object value)
    {
        Field(message, field).Accessor.SetValue(message, value);
        return message;
    }

    /// <summary>A map field (e.g. ConstructRequest.config) to add entries to.</summary>
    public static IDictionary Map(this IMessage message, string field) => (IDictionary)Field(message, field).Accessor.GetValue(message);

    private static FieldDescriptor Field(IMessage message, string field) =>
        message.Descriptor.FindFieldByName(field)
        ?? throw new InvalidOperationException($"{message.Descriptor.FullName} has no field '{field}' (fields: {string.Join(", ", message.Descriptor.Fields.InFieldNumberOrder().Select(f => f.Name))}).");

    private static Marshaller<IMessage> Marshaller(MessageDescriptor descriptor) =>
        Marshallers.Create<IMessage>(message => message.ToByteArray(), bytes => descriptor.Parser.ParseFrom(bytes));
}
