// The part of jsbn (Tom Wu's pure-JavaScript BigInteger, no BigInt needed) the registration signer uses.
declare module 'jsbn' {
  export class BigInteger {
    constructor(value: string, radix: number);
    modPow(exponent: BigInteger, modulus: BigInteger): BigInteger;
    mod(modulus: BigInteger): BigInteger;
    subtract(other: BigInteger): BigInteger;
    multiply(other: BigInteger): BigInteger;
    add(other: BigInteger): BigInteger;
    toString(radix: number): string;
  }
}
