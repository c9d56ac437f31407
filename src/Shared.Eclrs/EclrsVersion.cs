namespace Viaduct.Shared.Eclrs;

/// <summary>The three ECLRS header layouts; each later version inserts columns before RESULTPOSITIVE.</summary>
public enum EclrsVersion
{
    V1 = 1,
    V2 = 2,
    V3 = 3,
}
