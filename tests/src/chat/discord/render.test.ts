import { describe, expect, it } from 'vitest';
import type { ChatForm } from '../../../../src/core/chat.ts';
import {
  BLANK,
  parseDiscordModalSubmit,
  renderDiscordEmbeds,
  renderDiscordMessage,
  renderDiscordModal,
} from '../../../../src/chat/discord/render.ts';
import { morningMessage } from '../sample-message.ts';

describe('Discord message renderer', () => {
  it('when the morning message is rendered then the payload is one embed, an attachment and one row of buttons', () => {
    const m = morningMessage();
    const [first, ...more] = renderDiscordMessage(m, { nonce: 'abc123' });
    expect(more).toEqual([]);
    const { body, files } = first!;
    expect(body).toEqual({
      embeds: [
        {
          title: 'Tuesday 22 Nov — ENDURANCE 60 min',
          description: 'Your HRV is back inside its **normal range** and fatigue has settled, so today is a steady aerobic hour.',
          color: 0x2ecc71,
          fields: [
            { name: 'Why today', value: '• HRV 4.21 (normal 4.12–4.32)\n• Form (TSB) −6, fatigue falling for 3 days', inline: false },
            { name: 'Session', value: BLANK, inline: false },
            { name: 'Duration', value: '60 min', inline: true },
            { name: 'Intensity', value: 'Z2 · HR 130–145', inline: true },
          ],
          image: { url: 'attachment://alex_2026-11-22.png' },
          footer: { text: 'policy dqn@3 · reply /why for the full explanation' },
        },
      ],
      components: [
        {
          type: 1,
          components: [
            { type: 2, style: 3, label: 'Done', custom_id: 'feedback:done:2026-11-22' },
            { type: 2, style: 2, label: 'Skipped', custom_id: 'feedback:skipped:2026-11-22' },
            { type: 2, style: 1, label: 'Why?', custom_id: 'why:2026-11-22' },
          ],
        },
      ],
      attachments: [{ id: 0, filename: 'alex_2026-11-22.png', description: 'Load, fitness and HRV over the last 6 weeks' }],
      allowed_mentions: { parse: [] },
      nonce: 'abc123',
      enforce_nonce: true,
    });
    expect(files).toEqual([{ name: 'alex_2026-11-22.png', data: m.image!.png, contentType: 'image/png' }]);
  });

  it('when the tone changes then the colour bar follows it', () => {
    expect(['green', 'amber', 'red', 'neutral', undefined].map((tone) => renderDiscordEmbeds(morningMessage({ tone: tone as never }))[0]![0]!.color)).toEqual([
      0x2ecc71, 0xf1a40f, 0xe74c3c, 0x5865f2, 0x5865f2,
    ]);
  });

  it('when there are seven buttons then they fill a row of five and a row of two', () => {
    const buttons = Array.from({ length: 7 }, (_, i) => ({ id: `b${i}`, label: `B${i}` }));
    const { body } = renderDiscordMessage(morningMessage({ buttons }))[0]!;
    const rows = body.components as { components: { custom_id: string }[] }[];
    expect(rows.map((r) => r.components.map((c) => c.custom_id))).toEqual([['b0', 'b1', 'b2', 'b3', 'b4'], ['b5', 'b6']]);
  });

  it('when a button id is longer than 100 characters then rendering refuses it', () => {
    expect(() => renderDiscordMessage(morningMessage({ buttons: [{ id: 'x'.repeat(101), label: 'X' }] }))).toThrow(
      expect.objectContaining({ code: 'CHAT.CUSTOM_ID_INVALID' }),
    );
  });

  it('when texts exceed Discord limits then they are cut with "…" to the exact limit', () => {
    const parts = renderDiscordEmbeds(
      morningMessage({
        title: 'T'.repeat(300),
        summary: 'S'.repeat(5000),
        sections: [{ title: 'N'.repeat(300), fields: [{ label: 'L', value: 'V'.repeat(2000) }] }],
        footer: 'F'.repeat(3000),
      }),
    );
    const embeds = parts.flat();
    const fields = embeds.flatMap((e) => e.fields ?? []);
    expect(embeds[0]!.title).toBe(`${'T'.repeat(255)}…`);
    expect(fields[0]!.name).toBe(`${'N'.repeat(255)}…`);
    expect(fields[1]!.value).toBe(`${'V'.repeat(1023)}…`);
    expect(embeds.at(-1)!.footer!.text).toBe(`${'F'.repeat(2047)}…`);
  });

  it('when title, summary and footer alone pass 6000 characters then the summary gives way', () => {
    const parts = renderDiscordEmbeds(morningMessage({ title: 'T'.repeat(300), summary: 'S'.repeat(5000), sections: [], footer: 'F'.repeat(3000) }));
    expect(parts).toHaveLength(1);
    const embed = parts[0]![0]!;
    expect(embed.footer!.text).toBe(`${'F'.repeat(2047)}…`);
    expect(embed.description!.length).toBe(6000 - 256 - 2048);
    expect(embed.description!.endsWith('…')).toBe(true);
  });

  it('when a section’s text is longer than a field then it goes on in further fields, split between entries, nothing cut', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `• athlete ${String(i).padStart(2, '0')} — ${'x'.repeat(60)}\n   reasons ${i}`);
    const [embeds, ...more] = renderDiscordEmbeds(morningMessage({ sections: [{ title: 'Watch', text: lines.join('\n') }], footer: undefined }));
    expect(more).toEqual([]);
    const fields = embeds![0]!.fields!;
    expect(fields.map((f) => f.name)).toEqual(['Watch', 'Watch (continued)', 'Watch (continued)', 'Watch (continued)']);
    expect(fields.every((f) => f.value.length <= 1024)).toBe(true);
    expect(fields.map((f) => f.value).join('\n')).toBe(lines.join('\n'));
  });

  it('when a message has 30 fields then an embed holds 25 and a second embed of the same message the other 5', () => {
    const fields = Array.from({ length: 30 }, (_, i) => ({ label: `f${i}`, value: `v${i}` }));
    const parts = renderDiscordEmbeds(morningMessage({ sections: [{ fields }] }));
    expect(parts).toHaveLength(1);
    expect(parts[0]!.map((e) => e.fields!.length)).toEqual([25, 5]);
    expect(parts[0]![1]).toMatchObject({ color: 0x2ecc71, footer: { text: 'policy dqn@3 · reply /why for the full explanation' } });
    expect(parts[0]![1]!.fields![4]).toEqual({ name: 'f29', value: 'v29', inline: false });
  });

  it('when fields pass 6000 characters then they go on in a second message titled "(continued)", each under 6000 over all its embeds', () => {
    const fields = Array.from({ length: 10 }, (_, i) => ({ label: `f${i}`, value: 'v'.repeat(1000) }));
    const parts = renderDiscordMessage(morningMessage({ summary: 's', sections: [{ fields }] }), { nonce: 'n'.repeat(25) });
    expect(parts).toHaveLength(2);
    const size = (e: { title?: string; description?: string; footer?: { text: string }; fields?: { name: string; value: string }[] }) =>
      (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.fields ?? []).reduce((s, f) => s + f.name.length + f.value.length, 0);
    for (const p of parts) expect(p.body.embeds!.reduce((s, e) => s + size(e), 0)).toBeLessThanOrEqual(6000);
    expect(parts.flatMap((p) => p.body.embeds!.flatMap((e) => e.fields ?? [])).map((f) => f.name)).toEqual(fields.map((f) => f.label));
    expect(parts[1]!.body.embeds![0]!.title).toBe('Tuesday 22 Nov — ENDURANCE 60 min (continued)');
    // chart and content with the first, buttons and footer with the last, a nonce of its own for each
    expect([parts[0]!.files.length, parts[1]!.files.length]).toEqual([1, 0]);
    expect([parts[0]!.body.components, parts[1]!.body.components?.length]).toEqual([undefined, 1]);
    expect(parts[1]!.body.embeds!.at(-1)!.footer).toBeDefined();
    expect([parts[0]!.body.nonce, parts[1]!.body.nonce]).toEqual(['n'.repeat(25), `${'n'.repeat(23)}~1`]);
  });

  it('when the fallback mentions a user then only that user may be pinged', () => {
    const { body } = renderDiscordMessage(morningMessage({ image: undefined, buttons: undefined }), { content: '<@42> hello', mentionUserIds: ['42'] })[0]!;
    expect(body.content).toBe('<@42> hello');
    expect(body.allowed_mentions).toEqual({ parse: [], users: ['42'] });
    expect(body.attachments).toBeUndefined();
    expect(body.components).toBeUndefined();
  });

  it('when the message is ephemeral then the body carries no EPHEMERAL flag: only an interaction response may, and the interaction adapter sets it', () => {
    expect(renderDiscordMessage(morningMessage({ ephemeral: true }))[0]!.body.flags).toBeUndefined();
  });

  it('when a nonce is longer than 25 characters then rendering refuses it', () => {
    expect(() => renderDiscordMessage(morningMessage(), { nonce: 'n'.repeat(26) })).toThrow(expect.objectContaining({ code: 'CHAT.NONCE_INVALID' }));
  });
});

const feedbackForm: ChatForm = {
  command: 'feedback',
  title: 'How did it go?',
  context: { date: '2026-11-22' },
  inputs: [
    { name: 'rpe', label: 'Effort (RPE 1–10)', kind: 'number', required: true, placeholder: '1 = very easy, 10 = maximal' },
    {
      name: 'feel',
      label: 'How did you feel?',
      kind: 'choice',
      required: true,
      choices: [
        { value: 'good', label: 'Good' },
        { value: 'ok', label: 'OK' },
        { value: 'bad', label: 'Bad' },
      ],
      initial: 'ok',
    },
    { name: 'notes', label: 'Notes', kind: 'paragraph' },
  ],
};

describe('Discord modal renderer', () => {
  it('when a form is rendered then it is a modal of labels wrapping inputs and a select', () => {
    expect(renderDiscordModal(feedbackForm)).toEqual({
      custom_id: 'form:feedback?date=2026-11-22',
      title: 'How did it go?',
      components: [
        {
          type: 18,
          label: 'Effort (RPE 1–10)',
          component: { type: 4, custom_id: 'rpe', style: 1, required: true, max_length: 20, placeholder: '1 = very easy, 10 = maximal' },
        },
        {
          type: 18,
          label: 'How did you feel?',
          component: {
            type: 3,
            custom_id: 'feel',
            required: true,
            min_values: 1,
            max_values: 1,
            options: [
              { label: 'Good', value: 'good' },
              { label: 'OK', value: 'ok', default: true },
              { label: 'Bad', value: 'bad' },
            ],
          },
        },
        { type: 18, label: 'Notes', component: { type: 4, custom_id: 'notes', style: 2, required: false, max_length: 4000 } },
      ],
    });
  });

  it('when a form has six inputs then it cannot become a Discord modal', () => {
    const inputs = Array.from({ length: 6 }, (_, i) => ({ name: `i${i}`, label: `I${i}`, kind: 'short' as const }));
    expect(() => renderDiscordModal({ ...feedbackForm, inputs })).toThrow(expect.objectContaining({ code: 'CHAT.FORM_TOO_LARGE' }));
  });

  it('when the context makes the custom_id longer than 100 characters then the modal is refused', () => {
    expect(() => renderDiscordModal({ ...feedbackForm, context: { note: 'x'.repeat(90) } })).toThrow(
      expect.objectContaining({ code: 'CHAT.FORM_ID_TOO_LONG' }),
    );
  });

  it('when a modal is submitted then values and context come back as command options', () => {
    const submission = parseDiscordModalSubmit({
      custom_id: 'form:feedback?date=2026-11-22',
      components: [
        { type: 18, component: { type: 4, custom_id: 'rpe', value: ' 6 ' } },
        { type: 18, component: { type: 3, custom_id: 'feel', values: ['good'] } },
        { type: 18, component: { type: 4, custom_id: 'notes', value: '' } },
      ],
    });
    expect(submission).toEqual({ command: 'feedback', options: { date: '2026-11-22', rpe: '6', feel: 'good' }, source: 'form' });
  });

  it('when a legacy action-row modal is submitted then its text inputs are read too', () => {
    const submission = parseDiscordModalSubmit({
      custom_id: 'form:constraint add',
      components: [{ type: 1, components: [{ type: 4, custom_id: 'reason', value: 'travel' }] }],
    });
    expect(submission).toEqual({ command: 'constraint', subcommand: 'add', options: { reason: 'travel' }, source: 'form' });
  });

  it('when the custom_id is not one of our forms then parsing refuses it', () => {
    expect(() => parseDiscordModalSubmit({ custom_id: 'something-else', components: [] })).toThrow(expect.objectContaining({ code: 'CHAT.NOT_A_FORM' }));
  });

  it('when a prefill is longer than its input’s max_length then it is cut to fit (Discord refuses a value over max_length)', () => {
    const modal = renderDiscordModal({
      command: 'feedback',
      title: 'Feedback',
      inputs: [
        { name: 'why', label: 'Why', kind: 'short', initial: 'w'.repeat(250) },
        { name: 'rpe', label: 'RPE', kind: 'number', initial: '1'.repeat(30) },
        { name: 'notes', label: 'Notes', kind: 'paragraph', initial: 'n'.repeat(4100) },
      ],
    });
    const inputs = modal.components.map((c) => (c as unknown as { component: { value?: string; max_length: number } }).component);
    expect(inputs.map((i) => i.max_length)).toEqual([200, 20, 4000]);
    expect(inputs.map((i) => i.value?.length)).toEqual([200, undefined, 4000]);
    expect(inputs[0]!.value!.endsWith('…')).toBe(true);
  });
});
