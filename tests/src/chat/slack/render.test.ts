import { describe, expect, it } from 'vitest';
import type { ChatForm } from '../../../../src/core/chat.ts';
import { parseSlackViewSubmission, renderSlackMessage, renderSlackModal } from '../../../../src/chat/slack/render.ts';
import { morningMessage } from '../sample-message.ts';

describe('Slack message renderer', () => {
  it('when the morning message is rendered with an uploaded chart then the blocks are header, sections, image, actions, context', () => {
    expect(renderSlackMessage(morningMessage(), { imageFileId: 'F0123' })).toEqual({
      text: 'Tuesday 22 Nov — ENDURANCE 60 min\nYour HRV is back inside its *normal range* and fatigue has settled, so today is a steady aerobic hour.',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '🟢 Tuesday 22 Nov — ENDURANCE 60 min', emoji: true } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'Your HRV is back inside its *normal range* and fatigue has settled, so today is a steady aerobic hour.' },
        },
        { type: 'section', text: { type: 'mrkdwn', text: '*Why today*\n• HRV 4.21 (normal 4.12–4.32)\n• Form (TSB) −6, fatigue falling for 3 days' } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '*Session*' },
          fields: [
            { type: 'mrkdwn', text: '*Duration*\n60 min' },
            { type: 'mrkdwn', text: '*Intensity*\nZ2 · HR 130–145' },
          ],
        },
        { type: 'image', slack_file: { id: 'F0123' }, alt_text: 'Load, fitness and HRV over the last 6 weeks' },
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: 'feedback:done:2026-11-22', value: 'feedback:done:2026-11-22', text: { type: 'plain_text', text: 'Done', emoji: true } },
            {
              type: 'button',
              action_id: 'feedback:skipped:2026-11-22',
              value: 'feedback:skipped:2026-11-22',
              text: { type: 'plain_text', text: 'Skipped', emoji: true },
            },
            { type: 'button', action_id: 'why:2026-11-22', value: 'why:2026-11-22', text: { type: 'plain_text', text: 'Why?', emoji: true }, style: 'primary' },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'policy dqn@3 · reply /why for the full explanation' }] },
      ],
    });
  });

  it('when no file was uploaded then there is no image block', () => {
    expect(renderSlackMessage(morningMessage()).blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'actions', 'context']);
  });

  it('when text contains <, > and & then they are escaped for mrkdwn', () => {
    const { blocks } = renderSlackMessage(morningMessage({ summary: 'HR < 140 & RPE > 3', sections: [] }));
    expect(blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'HR &lt; 140 &amp; RPE &gt; 3' } });
  });

  it('when a section has 23 fields then they are split into sections of 10, 10 and 3', () => {
    const fields = Array.from({ length: 23 }, (_, i) => ({ label: `f${i}`, value: `v${i}` }));
    const { blocks } = renderSlackMessage(morningMessage({ sections: [{ fields }] }));
    const counts = blocks.filter((b) => b.type === 'section' && 'fields' in b).map((b) => (b as { fields: unknown[] }).fields.length);
    expect(counts).toEqual([10, 10, 3]);
  });

  it('when a field value is longer than 2000 characters then it is cut with "…" to exactly 2000', () => {
    const { blocks } = renderSlackMessage(morningMessage({ sections: [{ fields: [{ label: 'L', value: 'v'.repeat(3000) }] }] }));
    const field = (blocks[2] as { fields: { text: string }[] }).fields[0]!.text;
    expect(field.length).toBe(2000);
    expect(field.endsWith('…')).toBe(true);
  });

  it('when the header is longer than 150 characters then it is cut to 150', () => {
    const { blocks } = renderSlackMessage(morningMessage({ title: 'T'.repeat(200), tone: 'neutral' }));
    expect((blocks[0] as { text: { text: string } }).text.text).toBe(`${'T'.repeat(149)}…`);
  });

  it('when there are 60 sections then the message keeps 50 blocks with a note and still ends with actions and footer', () => {
    const sections = Array.from({ length: 60 }, (_, i) => ({ text: `s${i}` }));
    const { blocks } = renderSlackMessage(morningMessage({ sections }), { imageFileId: 'F1' });
    expect(blocks).toHaveLength(50);
    expect(blocks.slice(-3).map((b) => b.type)).toEqual(['image', 'actions', 'context']);
    expect(blocks[46]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '… 16 more sections not shown' }] });
  });

  it('when two buttons share an id then rendering refuses (Slack rejects duplicate action_ids)', () => {
    expect(() => renderSlackMessage(morningMessage({ buttons: [{ id: 'a', label: 'A' }, { id: 'a', label: 'B' }] }))).toThrow(
      expect.objectContaining({ code: 'CHAT.CUSTOM_ID_INVALID' }),
    );
  });

  it('when a mention is given then it leads the summary section', () => {
    const { blocks } = renderSlackMessage(morningMessage({ summary: 'Hi' }), { mention: '<@U1>' });
    expect(blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '<@U1> Hi' } });
  });

  it('when a team name or note holds Slack control sequences then the notification text escapes &, < and > like the blocks do', () => {
    const { text, blocks } = renderSlackMessage(morningMessage({ title: 'Team <!channel> & friends', summary: 'Note from <@U0BOSS>: go > 5 km' }));
    expect(text).toBe('Team &lt;!channel&gt; &amp; friends\nNote from &lt;@U0BOSS&gt;: go &gt; 5 km');
    expect(text).not.toMatch(/<!channel>|<@/);
    expect((blocks[1] as { text: { text: string } }).text.text).toBe('Note from &lt;@U0BOSS&gt;: go &gt; 5 km');
  });
});

const form: ChatForm = {
  command: 'feedback',
  title: 'How did your session go today?',
  context: { date: '2026-11-22' },
  inputs: [
    { name: 'rpe', label: 'Effort (RPE 1–10)', kind: 'number', required: true, initial: '5' },
    { name: 'feel', label: 'Feel', kind: 'choice', required: true, choices: [{ value: 'good', label: 'Good' }, { value: 'bad', label: 'Bad' }], initial: 'good' },
    { name: 'notes', label: 'Notes', kind: 'paragraph', placeholder: 'Anything we should know?' },
  ],
};

describe('Slack modal renderer', () => {
  it('when a form is rendered then it is a modal view of input blocks', () => {
    expect(renderSlackModal(form)).toEqual({
      type: 'modal',
      callback_id: 'form:feedback',
      private_metadata: '{"id":"form:feedback?date=2026-11-22"}',
      title: { type: 'plain_text', text: 'How did your session go…', emoji: true },
      submit: { type: 'plain_text', text: 'Submit' },
      close: { type: 'plain_text', text: 'Cancel' },
      blocks: [
        {
          type: 'input',
          block_id: 'rpe',
          optional: false,
          label: { type: 'plain_text', text: 'Effort (RPE 1–10)', emoji: true },
          element: { type: 'number_input', action_id: 'rpe', is_decimal_allowed: true, initial_value: '5' },
        },
        {
          type: 'input',
          block_id: 'feel',
          optional: false,
          label: { type: 'plain_text', text: 'Feel', emoji: true },
          element: {
            type: 'static_select',
            action_id: 'feel',
            options: [
              { text: { type: 'plain_text', text: 'Good', emoji: true }, value: 'good' },
              { text: { type: 'plain_text', text: 'Bad', emoji: true }, value: 'bad' },
            ],
            initial_option: { text: { type: 'plain_text', text: 'Good', emoji: true }, value: 'good' },
          },
        },
        {
          type: 'input',
          block_id: 'notes',
          optional: true,
          label: { type: 'plain_text', text: 'Notes', emoji: true },
          element: { type: 'plain_text_input', action_id: 'notes', multiline: true, placeholder: { type: 'plain_text', text: 'Anything we should know?' } },
        },
      ],
    });
  });

  it('when a view is submitted then state values and context come back as command options', () => {
    const submission = parseSlackViewSubmission({
      callback_id: 'form:feedback',
      private_metadata: '{"id":"form:feedback?date=2026-11-22"}',
      state: {
        values: {
          rpe: { rpe: { type: 'number_input', value: '7' } },
          feel: { feel: { type: 'static_select', selected_option: { value: 'bad' } } },
          notes: { notes: { type: 'plain_text_input', value: null } },
        },
      },
    });
    expect(submission).toEqual({ command: 'feedback', options: { date: '2026-11-22', rpe: '7', feel: 'bad' }, source: 'form' });
  });

  it('when a rendered form is submitted with its own metadata then the round trip keeps command and context', () => {
    const view = renderSlackModal({ command: 'constraint add', title: 'Add constraint', context: { from: '2026-12-01' }, inputs: [{ name: 'why', label: 'Why', kind: 'short' }] });
    const back = parseSlackViewSubmission({ callback_id: view.callback_id!, private_metadata: view.private_metadata!, state: { values: { why: { why: { type: 'plain_text_input', value: 'travel' } } } } });
    expect(back).toEqual({ command: 'constraint', subcommand: 'add', options: { from: '2026-12-01', why: 'travel' }, source: 'form' });
  });

  it('when a prefill does not fit its input then it is cut to the input’s limit (text) or left out (a number that is not one)', () => {
    const view = renderSlackModal({
      command: 'feedback',
      title: 'Feedback',
      inputs: [
        { name: 'notes', label: 'Notes', kind: 'paragraph', initial: 'n'.repeat(3500) },
        { name: 'why', label: 'Why', kind: 'short', initial: 'w'.repeat(3200) },
        { name: 'rpe', label: 'RPE', kind: 'number', initial: 'seven' },
        { name: 'minutes', label: 'Minutes', kind: 'number', initial: '45' },
      ],
    });
    const [notes, why, rpe, minutes] = view.blocks as unknown as { element: { initial_value?: string; max_length?: number } }[];
    expect(notes!.element.initial_value).toBe(`${'n'.repeat(2999)}…`);
    expect(why!.element.initial_value!.length).toBe(3000);
    expect(rpe!.element.initial_value).toBeUndefined();
    expect(minutes!.element.initial_value).toBe('45');
  });
});
