/** The part of heic-decode 2's API the decoder tests and bench:media use as "the decoder alone" (the package ships no types). */
declare module 'heic-decode' {
  interface DecodedHeic {
    width: number;
    height: number;
    data: Uint8ClampedArray;
  }
  export default function decode(input: { buffer: Buffer | Uint8Array }): Promise<DecodedHeic>;
}
