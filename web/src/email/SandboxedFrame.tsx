// Message HTML is shown only here: in an iframe with every sandbox restriction on (no
// scripts, no forms, no same origin, no navigation of the app), from srcDoc.
import { useElementSize } from '@mantine/hooks';

interface FrameProps {
  html: string;
  title: string;
  height: number;
}

export function SandboxedFrame({ html, title, height, width = '100%', scale = 1 }: FrameProps & { width?: number | string; scale?: number }) {
  return (
    <iframe
      title={title}
      sandbox=""
      srcDoc={html}
      referrerPolicy="no-referrer"
      style={{
        width,
        height: height / scale,
        border: 0,
        display: 'block',
        background: '#fff',
        transform: scale === 1 ? undefined : `scale(${scale})`,
        transformOrigin: 'top left',
      }}
    />
  );
}

/**
 * The message at a given width (600px-wide desktop layouts, 375px phones), scaled down to fit
 * where the space is narrower, as the recipient's screen would show it.
 */
export function ScaledFrame({ html, title, height, frameWidth }: FrameProps & { frameWidth: number }) {
  const { ref, width } = useElementSize();
  const scale = width > 0 ? Math.min(1, width / frameWidth) : 1;
  return (
    <div ref={ref} style={{ width: '100%' }}>
      <div style={{ width: frameWidth * scale, height, margin: '0 auto', overflow: 'hidden', boxShadow: '0 0 0 1px var(--mantine-color-gray-3)' }} data-testid="preview-frame" data-width={frameWidth}>
        <SandboxedFrame html={html} title={title} height={height} width={frameWidth} scale={scale} />
      </div>
    </div>
  );
}
