// renderXmlDocument: an XmlNode tree → the XML document text, through the shared XmlWriter.
import { XmlWriter } from '../xml/xml-writer.js'
import type { XmlNode } from './write-xml-value.js'

export function renderXmlDocument(root: XmlNode): string {
  const writer = new XmlWriter()
  writeNode(writer, root)
  return writer.toString()
}

function writeNode(writer: XmlWriter, node: XmlNode): void {
  if (node.text !== undefined) {
    writer.element(node.name, node.text, node.attributes)
  } else if (node.children.length === 0) {
    writer.empty(node.name, node.attributes)
  } else {
    writer.start(node.name, node.attributes)
    for (const child of node.children) writeNode(writer, child)
    writer.end()
  }
}
