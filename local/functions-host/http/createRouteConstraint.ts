/** A route value check; `value` is the decoded route value. */
export type RouteConstraint = (value: string) => boolean;

const intRange = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const longRange = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
/** .NET `NumberStyles.Integer`: surrounding white space and a leading sign are allowed. */
const integerPattern = /^\s*[+-]?\d+\s*$/;
/** .NET `NumberStyles.Float | AllowThousands` for double/float/decimal, roughly. */
const floatPattern = /^\s*[+-]?(\d[\d,]*\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const guidPatterns = [
  /^[0-9a-f]{32}$/i,
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i,
  /^\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)$/i,
];

function inRange(value: string, range: { min: bigint; max: bigint }): boolean {
  if (!integerPattern.test(value)) {
    return false;
  }
  const parsed = BigInt(value.trim());
  return parsed >= range.min && parsed <= range.max;
}

function numberArgs(name: string, argument: string | undefined, count: number): number[] {
  const parts = (argument ?? '').split(',').map((part) => part.trim());
  const numbers = parts.map(Number);
  if (parts.length !== count || numbers.some((n) => !Number.isFinite(n) || parts.includes(''))) {
    throw new Error(
      `Route constraint "${name}" needs ${count} number argument(s), got "(${argument ?? ''})".`,
    );
  }
  return numbers;
}

/**
 * The inline route constraints of ASP.NET Core routing, which the Functions host uses for `route` templates
 * (`DefaultInlineConstraintResolver`): int, long, bool, datetime, decimal, double, float, guid, alpha, min, max,
 * range, length, minlength, maxlength, regex, required. `regex` is case-insensitive and not anchored, as there.
 * An unknown constraint throws: the real host refuses to start such a route too.
 */
export function createRouteConstraint(name: string, argument: string | undefined): RouteConstraint {
  switch (name.toLowerCase()) {
    case 'int':
      return (value) => inRange(value, intRange);
    case 'long':
      return (value) => inRange(value, longRange);
    case 'bool':
      return (value) => /^\s*(true|false)\s*$/i.test(value);
    case 'datetime':
      return (value) => value.trim() !== '' && !Number.isNaN(Date.parse(value));
    case 'decimal':
    case 'double':
    case 'float':
      return (value) => floatPattern.test(value);
    case 'guid':
      return (value) => guidPatterns.some((pattern) => pattern.test(value.trim()));
    case 'alpha':
      return (value) => /^[a-z]*$/i.test(value);
    case 'required':
      return (value) => value !== '';
    case 'min': {
      const [min] = numberArgs(name, argument, 1) as [number];
      return (value) => inRange(value, longRange) && Number(value) >= min;
    }
    case 'max': {
      const [max] = numberArgs(name, argument, 1) as [number];
      return (value) => inRange(value, longRange) && Number(value) <= max;
    }
    case 'range': {
      const [min, max] = numberArgs(name, argument, 2) as [number, number];
      return (value) => inRange(value, longRange) && Number(value) >= min && Number(value) <= max;
    }
    case 'minlength': {
      const [min] = numberArgs(name, argument, 1) as [number];
      return (value) => value.length >= min;
    }
    case 'maxlength': {
      const [max] = numberArgs(name, argument, 1) as [number];
      return (value) => value.length <= max;
    }
    case 'length': {
      const parts = (argument ?? '').split(',');
      if (parts.length === 1) {
        const [length] = numberArgs(name, argument, 1) as [number];
        return (value) => value.length === length;
      }
      const [min, max] = numberArgs(name, argument, 2) as [number, number];
      return (value) => value.length >= min && value.length <= max;
    }
    case 'regex': {
      if (argument === undefined) {
        throw new Error('Route constraint "regex" needs a pattern: regex(...).');
      }
      const pattern = new RegExp(argument, 'i');
      return (value) => pattern.test(value);
    }
    default:
      throw new Error(`Unknown route constraint "${name}".`);
  }
}
