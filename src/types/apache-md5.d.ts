// apache-md5 ships no types: Apache's apr1 MD5 of `password`, with the salt taken from `salt` ("$apr1$salt$…").
declare module 'apache-md5' {
  export default function apr1(password: string, salt?: string): string;
}
