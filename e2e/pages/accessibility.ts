import type { CDPSession, Page } from '@playwright/test';

/** The roles a person operates; each needs a name that says what it sets or does. */
const CONTROL_ROLES = new Set(['slider', 'combobox', 'checkbox', 'spinbutton', 'textbox', 'button']);
/** Roles that hold a value: a name made only of digits and units is the value, not a label (any control named only by digits says nothing). */
const VALUE_ROLES = new Set(['slider', 'combobox', 'spinbutton', 'textbox']);

interface AXValue { value?: unknown }
interface AXNode {
  ignored: boolean;
  role?: AXValue;
  name?: AXValue;
  value?: AXValue;
  properties?: { name: string; value: AXValue }[];
  backendDOMNodeId?: number;
}

/**
 * Walks Chromium's accessibility tree (what a screen reader is given) and returns one line per
 * control whose accessible name is empty or only its value — e.g. `slider "" (value "50")`, which
 * a screen reader announces as just "50". Each line names the element's data-testid or id, so a
 * failure says where to look.
 */
export async function badlyNamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AXNode[] };
    const bad: string[] = [];
    for (const node of nodes) {
      const role = String(node.role?.value ?? '');
      if (node.ignored || !CONTROL_ROLES.has(role)) continue;
      const name = String(node.name?.value ?? '').trim();
      const values = [node.value?.value, node.properties?.find((p) => p.name === 'valuetext')?.value.value]
        .filter((v) => v !== undefined && v !== '').map((v) => String(v).trim());
      const problem = name === '' ? 'has no accessible name'
        : values.some((v) => v.toLowerCase() === name.toLowerCase()) ? 'is named only by its value'
          : !/\p{L}/u.test(name) ? (VALUE_ROLES.has(role) ? 'is named only by a number (its value, not what it sets)' : 'is named only by a number (not what it does)')
            : undefined;
      if (problem) bad.push(`${role} "${name}" (value ${JSON.stringify(values[0] ?? '')}) at ${await whereIs(cdp, node.backendDOMNodeId)} ${problem}`);
    }
    return bad;
  } finally {
    await cdp.detach();
  }
}

/** The element's tag with its data-testid or id, for the failure message. */
async function whereIs(cdp: CDPSession, backendNodeId?: number) {
  if (backendNodeId === undefined) return '?';
  const { node } = await cdp.send('DOM.describeNode', { backendNodeId });
  const attrs = node.attributes ?? [];
  const attr = (n: string) => { const i = attrs.indexOf(n); return i >= 0 && i % 2 === 0 ? attrs[i + 1] : undefined; };
  const id = attr('data-testid') ? `[data-testid=${attr('data-testid')}]` : attr('id') ? `#${attr('id')}` : '';
  return `<${node.localName}${id ? ` ${id}` : ''}>`;
}
