/** Quotes of an erased person in free texts other people wrote (src/db/personal-data.ts). */
import { describe, expect, it } from 'vitest';
import { newPseudonym, quotesOf, redactQuotes } from '../../../src/db/personal-data.ts';

describe('redactQuotes', () => {
  const q = quotesOf('Zoë Private', ['discord:U1234', 'U1234']);

  it('when a text quotes the full name, a name word in any case, or a chat id then each becomes [erased person]', () => {
    expect(redactQuotes('zoë has flu; ZOË PRIVATE said so to U1234 (discord:U1234)', q)).toBe('[erased person] has flu; [erased person] said so to [erased person] ([erased person])');
  });

  it('when a word only contains a name word then it is left alone', () => {
    expect(redactQuotes('Zoëlle and the privateer', q)).toBe('Zoëlle and the privateer');
  });

  it('when a name word is shorter than 3 letters or the name has regex characters then it is matched literally or not at all', () => {
    const short = quotesOf('Al (Coach) Bo', []);
    expect(short.names).toEqual(['Al (Coach) Bo', 'Coach']);
    expect(redactQuotes('Al (Coach) Bo asked; Al and Bo too; coach', short)).toBe('[erased person] asked; Al and Bo too; [erased person]');
  });
});

describe('newPseudonym', () => {
  it('when drawn twice then the pseudonyms differ and carry no id', () => {
    const a = newPseudonym();
    expect(a).toMatch(/^erased-person:[0-9a-f]{16}$/);
    expect(newPseudonym()).not.toBe(a);
  });
});
