using System.Reflection;
using System.Reflection.Emit;

namespace Clusterd.Tests.Architecture;

/// <summary>
/// The types a type uses: in its signatures (base, interfaces, fields, properties, methods) and
/// in its method bodies, read from the IL — a `using` alone is not a dependency, a call is.
/// </summary>
public static class TypeReferences
{
    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    public static IEnumerable<Type> Of(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? used)
        {
            if (used is null || !found.Add(used)) return;
            if (used.HasElementType) Add(used.GetElementType());
            if (used.IsGenericType) foreach (var argument in used.GetGenericArguments()) Add(argument);
        }
        Add(type.BaseType);
        foreach (var implemented in type.GetInterfaces()) Add(implemented);
        foreach (var field in type.GetFields(Declared)) Add(field.FieldType);
        foreach (var property in type.GetProperties(Declared)) Add(property.PropertyType);
        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo info) Add(info.ReturnType);
            foreach (var parameter in method.GetParameters()) Add(parameter.ParameterType);
            foreach (var used in InBody(method)) Add(used);
        }
        return found;
    }

    /// <summary>The declaring types of the members, and the types, that the method's IL names.</summary>
    private static IEnumerable<Type> InBody(MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArguments = method.DeclaringType!.IsGenericType ? method.DeclaringType.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int at = 0; at < il.Length;)
        {
            short value = il[at] == 0xfe ? (short)(0xfe00 | il[at + 1]) : il[at];
            at += il[at] == 0xfe ? 2 : 1;
            var code = OpCodesByValue[value];
            if (code.OperandType is OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok
                && Resolve(method.Module, BitConverter.ToInt32(il, at), typeArguments, methodArguments) is { } used)
                yield return used;
            at += OperandSize(code.OperandType, il, at);
        }
    }

    private static Type? Resolve(Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
    {
        try
        {
            return module.ResolveMember(token, typeArguments, methodArguments) switch
            {
                Type type => type,
                FieldInfo field => field.DeclaringType,
                MethodBase called => called.DeclaringType,
                _ => null,
            };
        }
        catch (ArgumentException)
        {
            return null; // a token naming a generic parameter the context does not bind; its constraint types are seen elsewhere
        }
    }

    private static int OperandSize(OperandType operand, byte[] il, int at) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };
}
